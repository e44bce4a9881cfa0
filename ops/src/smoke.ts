import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, chmodSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './embedded-pg';
import { REPO_ROOT } from './paths';

/**
 * The newcomer's path, end to end: `npm start` on a fresh home folder, one federated query through the hub, then
 * Ctrl-C and a clean stop. Exits non-zero on any failure. Used by CI.
 */
export async function smoke(): Promise<number> {
  const home = mkdtempSync(path.join(os.tmpdir(), 'lilong-smoke-'));
  chmodSync(home, 0o755);
  const port = await freePort();
  const began = Date.now();
  const child = spawn('npm', ['start'], {
    cwd: REPO_ROOT,
    env: { ...process.env, DATABASE_URL: '', LILONG_HOME: home, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
  });
  let output = '';
  child.stdout!.on('data', (chunk) => {
    output += chunk;
    process.stdout.write(chunk);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    const url = `http://127.0.0.1:${port}/graphql`;
    let answer: { data?: { communities: { code: string; shops: unknown[] | null; compounds: unknown[] | null; volunteers: unknown[] | null }[] }; errors?: unknown[] } | undefined;
    while (Date.now() - began < 120_000) {
      if (child.exitCode !== null) throw new Error(`npm start exited early with ${child.exitCode}`);
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: '{ communities { code compounds { name } shops { name products { name stock { available } } } volunteers { displayName } } }' }),
        });
        answer = (await response.json()) as typeof answer;
        if (!answer?.errors) break;
      } catch {
        // not up yet
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    const communities = answer?.data?.communities ?? [];
    if (answer?.errors || communities.length < 3 || communities.some((c) => !c.shops?.length || !c.compounds?.length || !c.volunteers?.length)) {
      throw new Error(`the sub-district query did not answer fully: ${JSON.stringify(answer).slice(0, 500)}`);
    }
    console.log(`smoke: ${communities.length} communities answered through the hub ${((Date.now() - began) / 1000).toFixed(1)} s after npm start`);
    if (!output.includes(`/graphql`)) throw new Error('npm start did not print where to go');
    process.kill(-child.pid!, 'SIGINT');
    const code = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 30_000).unref())]);
    if (code === 'timeout') throw new Error('npm start did not stop within 30 s of Ctrl-C');
    const leftovers = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => line.includes(home) || line.includes(path.join(REPO_ROOT, 'subgraphs/node/src/main.ts')));
    if (leftovers.length > 0) throw new Error(`processes left running after Ctrl-C:\n${leftovers.join('\n')}`);
    if (!output.includes('Stopped.')) throw new Error('npm start did not report a clean stop');
    console.log(`smoke: stopped cleanly (exit ${code}), no process left`);
    return 0;
  } catch (error) {
    console.error(`smoke: ${(error as Error).message}`);
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
    return 1;
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}
