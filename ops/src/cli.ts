import { relative } from 'node:path';
import { ensureKeyPair, mintDemoToken, readPrivateKey } from './keys';
import { KEYS_DIR } from './paths';
import { parseTokenArgs, TOKEN_HELP } from './token-args';

// Each command requires what it needs when it runs: loading the schema tooling, the ORM or the gateway for every
// command made `npm run token` take seconds to sign one JWT.
const generate = () => require('./generate') as typeof import('./generate');

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
    help: 'mint a demo bearer token: --role committee --community xinhua-1 [--role ...] [--sub name] [--hours 12]; --help for roles and validity',
    run: async (args) => {
      if (args.includes('--help') || args.includes('-h')) {
        console.log(TOKEN_HELP);
        return;
      }
      let request;
      try {
        request = parseTokenArgs(args);
      } catch (error) {
        console.error(`${(error as Error).message}\nexample: npm run token -- --role merchant --shop xinhua-1:Shop:1 (--help: roles, subject, validity)`);
        return 2;
      }
      const keys = ensureKeyPair(KEYS_DIR, 'demo-idp');
      console.log(mintDemoToken(readPrivateKey(keys.privateKey), request.roles, request.sub, request.hours));
    },
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
        console.error('usage: DATABASE_URL=postgres://... npm run migration -- <groups|shops|volunteers>');
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
    help: 'benchmarks: federation [iterations] (hub vs direct node latency); signups [count] [concurrency] (hot product); load [total] [inFlight] (README query under load, hub memory, guard cost); hostile (the hostile corpus against npm start)',
    run: async ([name = 'federation', iterations, ...rest]) => {
      if (name === 'federation') return (require('../bench/federation') as typeof import('../bench/federation')).benchFederation(Number(iterations ?? 200));
      if (name === 'signups') return (require('../bench/signups') as typeof import('../bench/signups')).benchSignUps(Number(iterations ?? 1000), Number(rest[0] ?? 32));
      if (name === 'load') return (require('../bench/load') as typeof import('../bench/load')).benchLoad(Number(iterations ?? 2000), Number(rest[0] ?? 20));
      if (name === 'hostile') return (require('../bench/hostile') as typeof import('../bench/hostile')).benchHostile();
      console.error(`unknown benchmark "${name}"; one of: federation, signups, load, hostile`);
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
