import path from 'node:path';
import { mintWithKeyFile } from './demo-idp';
import { DEMO_ISSUER, demoSubject } from './demo-people';
import { runEmbedded } from './embedded-run';
import { demoIdpKeyFile } from './keys';
import type { RunState } from './run-state';

const OVERVIEW = '{ communities { code compounds { name } shops { name products { name stock { available } } } volunteers { displayName } } }';

/**
 * The newcomer's path, end to end: `npm start` on a fresh home folder, one federated query through the hub, then
 * Ctrl-C and a clean stop with no process left behind. Exits non-zero on any failure. Used by CI.
 */
export async function smoke(): Promise<number> {
  const began = Date.now();
  const run = await runEmbedded({ echo: true });
  let state: RunState | undefined;
  try {
    const response = await fetch(run.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: OVERVIEW }) });
    const answer = (await response.json()) as { data?: { communities: { shops: unknown[] | null; compounds: unknown[] | null; volunteers: unknown[] | null }[] }; errors?: unknown[] };
    const communities = answer.data?.communities ?? [];
    if (answer.errors || communities.length < 3 || communities.some((c) => !c.shops?.length || !c.compounds?.length || !c.volunteers?.length)) {
      throw new Error(`the sub-district query did not answer fully: ${JSON.stringify(answer).slice(0, 500)}`);
    }
    console.log(`smoke: ${communities.length} communities answered through the hub ${((Date.now() - began) / 1000).toFixed(1)} s after npm start`);
    // A seeded person's token from the demo identity provider, verified by the hub against its JWKS, and their role
    // read from the community's own records.
    const token = await mintWithKeyFile(demoIdpKeyFile(path.join(run.home, 'keys')), DEMO_ISSUER, demoSubject('committee-of', 'xinhua-1'));
    const who = await fetch(run.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ myRoles(community: "xinhua-1") { memberships { kind } } }' }),
    });
    const roles = (await who.json()) as { data?: { myRoles?: { memberships: { kind: string }[] } } };
    if (!roles.data?.myRoles?.memberships.some((m) => m.kind === 'COMMITTEE')) {
      throw new Error(`a seeded committee member's token did not find their role: ${JSON.stringify(roles).slice(0, 500)}`);
    }
    console.log('smoke: a demo token was verified against the identity provider\'s JWKS; the role came from xinhua-1\'s records');
    if (!run.output().includes('/graphql')) throw new Error('npm start did not print where to go');
    state = run.state();
    if (!state?.hub?.pid || state.hub.pid === state.launcher || Object.keys(state.nodes).length < 3) {
      throw new Error(`the launcher does not report a hub and nodes of their own: ${JSON.stringify(state)}`);
    }
  } catch (error) {
    console.error(`smoke: ${(error as Error).message}`);
    await run.stop();
    return 1;
  }
  const { code, leftovers } = await run.stop();
  if (code === 'timeout') {
    console.error('smoke: npm start did not stop within 30 s of Ctrl-C');
    return 1;
  }
  if (leftovers.length > 0) {
    console.error(`smoke: processes left running after Ctrl-C:\n${leftovers.join('\n')}`);
    return 1;
  }
  if (!run.output().includes('Stopped.')) {
    console.error('smoke: npm start did not report a clean stop');
    return 1;
  }
  console.log(`smoke: stopped cleanly (exit ${code}), no process left`);
  return 0;
}
