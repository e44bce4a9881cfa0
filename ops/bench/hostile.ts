import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { runHostile, summarize } from '../../tests/src/hostile/run';
import { runEmbedded } from '../src/embedded-run';
import { mintWithKeyFile } from '../src/demo-idp';
import { DEMO_ISSUER, demoSubject } from '../src/demo-people';
import { demoIdpKeyFile } from '../src/keys';
import { readRunState, isAlive } from '../src/run-state';

function logBytes(dir: string): number {
  try {
    return readdirSync(dir).reduce((sum, name) => sum + statSync(path.join(dir, name)).size, 0);
  } catch {
    return 0;
  }
}

/**
 * `npm run bench -- hostile`: the hostile corpus of tests/src/hostile against `npm start`, each case followed by
 * a `{ __typename }` probe. Prints the table by category (statuses, slowest case, slowest probe), whether every
 * node process survived, and how much the logs grew.
 */
export async function benchHostile(): Promise<void> {
  const run = await runEmbedded();
  try {
    const statePath = path.join(run.home, 'run/pids.json');
    const before = readRunState(statePath);
    const logDir = path.join(run.home, 'logs');
    const logsBefore = logBytes(logDir);
    // The demo's sub-district staff member (a hub grant of the embedded hub), from the run's demo identity provider.
    const token = await mintWithKeyFile(demoIdpKeyFile(path.join(run.home, 'keys')), DEMO_ISSUER, demoSubject('subdistrict'), { expiresInSeconds: 3600 });
    const results = await runHostile(run.url, {
      token,
      onCase: (r, i, total) => {
        if (r.fault || !r.probeOk || r.ms > 1000 || r.probeMs > 100) console.log(`  [${i + 1}/${total}] ${r.hostile.category} / ${r.hostile.name}: ${r.fault ?? ''} ${Math.round(r.ms)} ms, probe ${Math.round(r.probeMs)} ms`);
      },
    });
    const after = readRunState(statePath);
    const table = summarize(results);
    console.log(`hostile bench: ${results.length} cases against npm start, each followed by { __typename }`);
    console.table(table);
    const slowProbes = results.filter((r) => r.probeMs > 100).length;
    const slowCases = results.filter((r) => r.ms > 1000).length;
    console.log(`cases over 1 s: ${slowCases}; probes over 100 ms: ${slowProbes}; faults: ${table.all.faults}`);
    const restarts = Object.entries(after?.nodes ?? {}).map(([code, p]) => `${code}: pid ${p.pid} ${p.pid === before?.nodes[code]?.pid ? 'same' : 'CHANGED'}, restarts ${p.restarts}, ${p.pid && isAlive(p.pid) ? 'alive' : 'DEAD'}`);
    console.log(`nodes after the run: ${restarts.join('; ')}`);
    console.log(`hub: pid ${after?.hub?.pid} ${after?.hub?.pid === before?.hub?.pid ? 'same' : 'CHANGED'}, restarts ${after?.hub?.restarts}`);
    console.log(`logs grew by ${((logBytes(logDir) - logsBefore) / 1024).toFixed(1)} kB`);
  } finally {
    await run.stop();
  }
}
