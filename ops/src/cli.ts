import { join, relative } from 'node:path';
import { demoIdpKeyFile } from './keys';
import { DEMO_ISSUER } from './demo-people';
import { KEYS_DIR } from './paths';
import { parseTokenArgs, TOKEN_HELP } from './token-args';

// Each command requires what it needs when it runs: loading the schema tooling, the ORM or the gateway for every
// command made `npm run token` take seconds to sign one JWT.
const generate = () => require('./generate') as typeof import('./generate');

/**
 * A benchmark module (ops/bench), required by a computed path: benchmarks are development tools that run from the
 * sources (`npm run bench`), so the production build (ops/dist) neither compiles nor ships them.
 */
const benchmark = (name: string): any => require(join(__dirname, '..', 'bench', name));

const [command = 'help', ...args] = process.argv.slice(2);

const commands: Record<string, { help: string; run: (args: string[]) => Promise<number | void> }> = {
  start: {
    help: 'run the embedded sub-district: PostgreSQL, a process per demo community node, the hub on port 4000, restarted when they crash (--reset: fresh demo data)',
    run: async (args) => {
      const port = Number(process.env.PORT ?? 4000);
      const { start } = require('./start') as typeof import('./start');
      await start({ port, reset: args.includes('--reset') });
    },
  },
  token: {
    help: 'mint a demo bearer token for a seeded person: --as leader-of fahua:Group:1 | --as committee-of xinhua-1 | --sub name [--hours 12]; --help for everyone seeded',
    run: async (args) => {
      if (args.includes('--help') || args.includes('-h')) {
        console.log(TOKEN_HELP);
        return;
      }
      let request;
      try {
        request = parseTokenArgs(args);
      } catch (error) {
        console.error(`${(error as Error).message}\nexample: npm run token -- --as merchant-of xinhua-1:Shop:1 (--help: everyone seeded, validity)`);
        return 2;
      }
      const { mintWithKeyFile } = require('./demo-idp') as typeof import('./demo-idp');
      console.log(await mintWithKeyFile(demoIdpKeyFile(KEYS_DIR), DEMO_ISSUER, request.sub, { expiresInSeconds: Math.round(request.hours * 3600) }));
    },
  },
  grant: {
    help: "record a community's first committee staff member in its database: --community <code> --issuer <iss> --subject <sub> (DATABASE_URL); --help",
    run: async (args) => {
      const { grantAsOperator, GRANT_HELP } = require('./grant') as typeof import('./grant');
      if (args.includes('--help') || args.length === 0) {
        console.log(GRANT_HELP);
        return args.length === 0 ? 2 : undefined;
      }
      try {
        console.log(`granted ${await grantAsOperator(args, process.env.DATABASE_URL)}`);
      } catch (error) {
        console.error((error as Error).message);
        return 2;
      }
    },
  },
  jobs: {
    help: "a community node's failed jobs (deadlines, time-outs, digests): failed [--json] | replay <id> (DATABASE_URL); --help",
    run: async (args) => (require('./jobs') as typeof import('./jobs')).jobsCommand(args, process.env.DATABASE_URL),
  },
  'verify-notice': {
    help: 'check a notice or digest (file, --text or stdin; a QR code\'s link too) against --keys <notice-keys.json> (offline) or --hub <url>: genuine, published by whom and when, or why not; --help',
    run: async (args) => (require('./verify-notice') as typeof import('./verify-notice')).verifyNotice(args),
  },
  generate: {
    help: 'regenerate the committed subgraph SDL and supergraph from the code',
    run: async () => {
      const { generateArtefacts, writeArtefacts } = generate();
      const artefacts = await generateArtefacts();
      writeArtefacts(artefacts);
      for (const a of artefacts) console.log(`wrote ${relative(process.cwd(), a.path)}`);
    },
  },
  migration: {
    help: '<domain>: write a migration for the entity changes of a domain (needs DATABASE_URL of a server to diff on)',
    run: async ([domain]) => {
      const adminUrl = process.env.DATABASE_URL;
      if (!domain || !adminUrl) {
        console.error('usage: DATABASE_URL=postgres://... npm run migration -- <groups|shops|volunteers|info>');
        return 2;
      }
      const { createMigration } = require('./migrations') as typeof import('./migrations');
      const file = await createMigration(domain, adminUrl);
      console.log(file ? `wrote ${file}` : `no changes in ${domain}`);
    },
  },
  smoke: {
    help: 'CI: npm start on a fresh home, one federated query, Ctrl-C, clean stop',
    run: async () => (require('./smoke') as typeof import('./smoke')).smoke(),
  },
  bench: {
    help: 'benchmarks: federation [iterations] (hub vs direct node latency); signups [count] [concurrency] (hot product); load [total] [inFlight] (README query under load, hub memory, guard cost); access [rounds] (cost of the membership checks); care [iterations] (matching across three communities: latency, SQL statements); live [changes] [idle] (outbox events/s, commit-to-subscriber latency, hub memory per 1,000 idle subscribers); hostile (the hostile corpus against npm start); console [loads] [--screenshot docs/console.png] [--no-minute] (the data console in Chromium on npm start: first render, GraphQL requests on load and per minute); hundred [--communities 10,30,100] [--duration 10] [--concurrency 8] [--per-process 10] [--keep] [--json FILE] (100 simulated communities on a private PostgreSQL: the sub-district query and a neighbour-only fan-out through a hub over 10, 30 and 100; --help); peers [--quick] [--profile] [--only A,B] (the hub beside @apollo/gateway and Hive Gateway on one community node, over 4 communities vs 1, the issue 12 targets; --help, docs/benchmarks.md)',
    run: async ([name = 'federation', iterations, ...rest]) => {
      if (name === 'federation') return benchmark('federation').benchFederation(Number(iterations ?? 200));
      if (name === 'signups') return benchmark('signups').benchSignUps(Number(iterations ?? 1000), Number(rest[0] ?? 32));
      if (name === 'load') return benchmark('load').benchLoad(Number(iterations ?? 2000), Number(rest[0] ?? 20));
      if (name === 'access') return benchmark('access').benchAccess(Number(iterations ?? 6));
      if (name === 'care') return benchmark('care').benchCare(Number(iterations ?? 200));
      if (name === 'live') return benchmark('live').benchLive(Number(iterations ?? 300), Number(rest[0] ?? 1000));
      if (name === 'hostile') return benchmark('hostile').benchHostile();
      if (name === 'console') return benchmark('console').benchConsole([iterations ?? '', ...rest].filter(Boolean));
      if (name === 'hundred') return benchmark('hundred').benchHundred([iterations ?? '', ...rest].filter(Boolean));
      if (name === 'peers') return benchmark('peers').benchPeers([iterations ?? '', ...rest].filter(Boolean));
      console.error(`unknown benchmark "${name}"; one of: federation, signups, load, access, care, live, hostile, console, hundred, peers`);
      return 2;
    },
  },
  check: {
    help: 'fail when the committed SDL or supergraph differ from the code',
    run: async () => {
      const { driftedArtefacts, generateArtefacts } = generate();
      const drifted = driftedArtefacts(await generateArtefacts());
      if (drifted.length === 0) return;
      console.error(`generated schema artefacts are out of date; run \`npm run generate\` and commit:\n${drifted.map((p) => `  ${relative(process.cwd(), p)}`).join('\n')}`);
      return 1;
    },
  },
};

async function main(): Promise<void> {
  const entry = commands[command];
  if (!entry) {
    console.log(`usage: lilong <command>\n\n${Object.entries(commands).map(([name, c]) => `  ${name.padEnd(12)} ${c.help}`).join('\n')}`);
    process.exitCode = command === 'help' ? 0 : 2;
    return;
  }
  const code = await entry.run(args);
  if (typeof code === 'number') process.exitCode = code;
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
