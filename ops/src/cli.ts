import { join, relative } from 'node:path';
import { demoIdpKeyFile } from './keys';
import { DEMO_ISSUER } from './demo-people';
import type { BenchmarkTable } from './benchmarks';
import { KEYS_DIR } from './paths';
import { parseTokenArgs, TOKEN_HELP } from './token-args';

// Each command requires what it needs when it runs: loading the schema tooling, the ORM or the gateway for every
// command made `npm run token` take seconds to sign one JWT.
const generate = () => require('./generate') as typeof import('./generate');

/** The benchmarks (ops/bench/index.ts, from the sources only: see benchmarks.ts). */
const benchmarks = (): BenchmarkTable => (require(join(__dirname, '..', 'bench', 'index')) as { benchmarks: BenchmarkTable }).benchmarks;

function benchmarkHelp(): string {
  try {
    return `benchmarks, from the sources: ${Object.entries(benchmarks()).map(([name, b]) => `${name} ${b.usage}`).join('; ')}`;
  } catch {
    return 'benchmarks: they run from the sources (npm run bench -- <name>), not from the build';
  }
}

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
    get help() {
      return benchmarkHelp();
    },
    run: async ([name = 'federation', ...rest]) => {
      const table = benchmarks();
      const benchmark = Object.hasOwn(table, name) ? table[name] : undefined;
      if (benchmark) return benchmark.run(rest);
      console.error(`unknown benchmark "${name}"; one of: ${Object.keys(table).join(', ')}`);
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
