/**
 * Every benchmark `npm run bench -- <name> [args]` runs (ops/src/cli.ts), each loaded only when it runs. Numbers
 * left out take the defaults shown in the usage.
 */
import type { BenchmarkTable } from '../src/benchmarks';

const n = (value: string | undefined, fallback: number) => (value === undefined ? fallback : Number(value));

export const benchmarks = {
  federation: {
    usage: '[iterations=200]: hub vs direct node latency',
    run: ([iterations]) => (require('./federation') as typeof import('./federation')).benchFederation(n(iterations, 200)),
  },
  signups: {
    usage: '[count=1000] [concurrency=32]: sign-ups on one hot product',
    run: ([count, concurrency]) => (require('./signups') as typeof import('./signups')).benchSignUps(n(count, 1000), n(concurrency, 32)),
  },
  load: {
    usage: '[total=2000] [inFlight=20]: the README query under load, hub memory, guard cost',
    run: ([total, inFlight]) => (require('./load') as typeof import('./load')).benchLoad(n(total, 2000), n(inFlight, 20)),
  },
  access: {
    usage: '[rounds=6]: cost of the membership checks',
    run: ([rounds]) => (require('./access') as typeof import('./access')).benchAccess(n(rounds, 6)),
  },
  care: {
    usage: '[iterations=200]: matching across three communities (latency, SQL statements)',
    run: ([iterations]) => (require('./care') as typeof import('./care')).benchCare(n(iterations, 200)),
  },
  live: {
    usage: '[changes=300] [idle=1000]: outbox events/s, commit-to-subscriber latency, hub memory per 1,000 idle subscribers',
    run: ([changes, idle]) => (require('./live') as typeof import('./live')).benchLive(n(changes, 300), n(idle, 1000)),
  },
  startup: {
    usage: '[restarts=5] [tokens=5]: npm start on a fresh home, then restarts on the same home, and npm run token, timed from the command',
    run: ([restarts, tokens]) => (require('./startup') as typeof import('./startup')).benchStartup(n(restarts, 5), n(tokens, 5)),
  },
  hostile: {
    usage: ': the hostile corpus against npm start',
    run: () => (require('./hostile') as typeof import('./hostile')).benchHostile(),
  },
  console: {
    usage: '[loads] [--screenshot docs/console.png] [--no-minute]: the data console in Chromium on npm start (first render, GraphQL requests on load and per minute)',
    run: (args) => (require('./console') as typeof import('./console')).benchConsole(args),
  },
  hundred: {
    usage:
      '[--communities 10,30,100] [--duration 10] [--concurrency 8] [--per-process 10] [--keep] [--json FILE]: 100 simulated communities on a private PostgreSQL, the sub-district query and a neighbour-only fan-out over 10, 30 and 100 (--help)',
    run: (args) => (require('./hundred') as typeof import('./hundred')).benchHundred(args),
  },
  peers: {
    usage: '[--quick] [--profile] [--only A,B]: the hub beside @apollo/gateway and Hive Gateway on one community node, 4 communities vs 1, the issue 12 targets (--help, docs/benchmarks.md)',
    run: (args) => (require('./peers') as typeof import('./peers')).benchPeers(args),
  },
} satisfies BenchmarkTable;
