import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BearerVerifier, TOKEN_CLOCK_ALLOWANCE_SECONDS as HUB_CLOCK_ALLOWANCE_SECONDS } from '../../../gateway/src/auth/bearer';
import { DemoIdentityProvider, mintWithKeyFile } from '../demo-idp';
import { DEMO_ISSUER, DEMO_RELATIONS, demoHubGrants, demoSubject, type DemoRelation } from '../demo-people';
import { demoIdpKeyFile } from '../keys';
import { REPO_ROOT } from '../paths';
import { parseTokenArgs, TOKEN_CLOCK_ALLOWANCE_SECONDS, TOKEN_HELP } from '../token-args';

const as = (...args: string[]) => parseTokenArgs(['--as', ...args]).sub;

describe('npm run token', () => {
  it('gives each seeded person their own subject, the same in every run and the same the seed records', () => {
    const subjects = [
      as('leader-of', 'fahua:Group:1'),
      as('leader-of', 'fahua:Group:2'),
      as('resident-of', 'fahua:Household:3'),
      as('merchant-of', 'xinhua-1:Shop:1'),
      as('merchant-of', 'xinhua-1:Shop:2'),
      as('volunteer', 'xinhua-1:Volunteer:1'),
      as('helper-for', 'fahua:Household:3'),
      as('committee-of', 'xinhua-1'),
      as('dispatcher-of', 'xinhua-1'),
      as('info-officer-of', 'xinhua-1'),
      as('subdistrict'),
      as('partner'),
    ];
    expect(subjects).toEqual([
      'demo:leader-of:fahua:Group:1',
      'demo:leader-of:fahua:Group:2',
      'demo:resident-of:fahua:Household:3',
      'demo:merchant-of:xinhua-1:Shop:1',
      'demo:merchant-of:xinhua-1:Shop:2',
      'demo:volunteer:xinhua-1:Volunteer:1',
      'demo:helper-for:fahua:Household:3',
      'demo:committee-of:xinhua-1',
      'demo:dispatcher-of:xinhua-1',
      'demo:info-officer-of:xinhua-1',
      'demo:subdistrict',
      'demo:partner',
    ]);
    expect(new Set(subjects).size).toBe(subjects.length);
    // One rule for the CLI and the seed (demoSubject), for every relation it knows.
    for (const relation of Object.keys(DEMO_RELATIONS) as DemoRelation[]) {
      const names = DEMO_RELATIONS[relation].names;
      const what = names === null ? undefined : names === 'community' ? 'xinhua-1' : `xinhua-1:${names}:7`;
      expect(parseTokenArgs(['--as', relation, ...(what ? [what] : [])]).sub).toBe(demoSubject(relation, what));
    }
  });

  it('names a person by --sub too, and refuses what names nobody', () => {
    expect(parseTokenArgs(['--sub', 'wang.li']).sub).toBe('wang.li');
    expect(parseTokenArgs(['--sub', 'wang.li', '--hours', '8'])).toEqual({ sub: 'wang.li', hours: 8 });
    expect(parseTokenArgs(['--as', 'committee-of', 'xinhua-1']).hours).toBe(12);
    expect(() => parseTokenArgs(['--sub', ' '])).toThrow('--sub must not be empty');
    expect(() => parseTokenArgs([])).toThrow('give --as <relation> <id> or --sub <subject>');
    expect(() => parseTokenArgs(['--as', 'mayor-of', 'xinhua-1'])).toThrow('--as needs one of');
    expect(() => parseTokenArgs(['--as', 'leader-of'])).toThrow('--as leader-of needs a Group ID');
    // An ID of another type, or no ID at all, is not the group.
    expect(() => parseTokenArgs(['--as', 'leader-of', 'fahua:Household:1'])).toThrow('is not a Group ID');
    expect(() => parseTokenArgs(['--as', 'committee-of', 'fahua:Group:1'])).toThrow('is not a community code');
    expect(() => parseTokenArgs(['--role', 'committee', '--community', 'xinhua-1'])).toThrow('unknown argument "--role"');
    expect(() => parseTokenArgs(['--sub', 'x', '--hours', '721'])).toThrow('--hours must be between 0 and 720');
  });

  it('documents the clock allowance the hub really applies', async () => {
    expect(TOKEN_CLOCK_ALLOWANCE_SECONDS).toBe(HUB_CLOCK_ALLOWANCE_SECONDS);
    const home = mkdtempSync(path.join(os.tmpdir(), 'lilong-token-'));
    const keyFile = demoIdpKeyFile(home);
    // The demo identity provider on the key file `npm run token` signs with; the hub verifies against its JWKS.
    const idp = await DemoIdentityProvider.start({ issuer: DEMO_ISSUER, keyFile });
    try {
      const hub = new BearerVerifier({ issuers: [{ issuer: DEMO_ISSUER, jwksUri: idp.jwksUri }], grants: demoHubGrants() });
      const accepted = async (offsetSeconds: number, hours: number) => {
        const issuedAt = Math.floor((Date.now() + offsetSeconds * 1000) / 1000);
        const token = await mintWithKeyFile(keyFile, DEMO_ISSUER, demoSubject('subdistrict'), { issuedAt, expiresInSeconds: Math.round(hours * 3600) });
        return !((await hub.verify(`Bearer ${token}`)) instanceof Error);
      };
      const allowance = TOKEN_CLOCK_ALLOWANCE_SECONDS;
      // A one-hour token minted an hour and (allowance - 2) s ago expired within the allowance; one beyond it is refused.
      const hourAgo = -3600;
      expect(await accepted(hourAgo - (allowance - 2), 1)).toBe(true);
      expect(await accepted(hourAgo - (allowance + 2), 1)).toBe(false);
      // Stamped in the future within / beyond the allowance (the minting clock runs ahead of the hub's).
      expect(await accepted(allowance - 2, 1)).toBe(true);
      expect(await accepted(allowance + 2, 1)).toBe(false);
      expect(TOKEN_HELP).toContain(`${allowance} s of clock difference`);

      // A token says who the person is; only the hub's own grants add anything at the hub.
      const now = { expiresInSeconds: 3600 };
      expect(await hub.verify(`Bearer ${await mintWithKeyFile(keyFile, DEMO_ISSUER, as('subdistrict'), now)}`)).toEqual({
        identity: { issuer: DEMO_ISSUER, subject: 'demo:subdistrict' },
        grants: [{ role: 'subdistrict' }],
      });
      expect(await hub.verify(`Bearer ${await mintWithKeyFile(keyFile, DEMO_ISSUER, as('leader-of', 'fahua:Group:1'), now)}`)).toEqual({
        identity: { issuer: DEMO_ISSUER, subject: 'demo:leader-of:fahua:Group:1' },
        grants: [],
      });
    } finally {
      await idp.stop();
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('signs without loading GraphQL, the ORM or the gateway, with the key the demo identity provider publishes', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'lilong-token-'));
    try {
      // The CLI as `npm run token` runs it, reporting on stderr every module it loaded.
      const script = `
        process.argv = [process.execPath, 'lilong', 'token', '--as', 'merchant-of', 'xinhua-1:Shop:1', '--hours', '2'];
        process.on('exit', () => process.stderr.write(JSON.stringify(Object.keys(require.cache))));
        require(${JSON.stringify(path.join(REPO_ROOT, 'ops/src/cli.ts'))});`;
      const run = spawnSync(process.execPath, ['-r', path.join(REPO_ROOT, 'ops/register.js'), '-e', script], {
        env: { ...process.env, LILONG_HOME: home },
        encoding: 'utf8',
      });
      expect(run.status).toBe(0);
      const token = run.stdout.trim();
      const [, payload] = token.split('.');
      const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8'));
      expect(claims).toMatchObject({ iss: DEMO_ISSUER, sub: 'demo:merchant-of:xinhua-1:Shop:1', aud: 'lilong-hub' });
      expect(claims.exp - claims.iat).toBe(2 * 3600);
      // Nothing but the identity: no roles in the token.
      expect(claims.roles).toBeUndefined();
      const loaded = (JSON.parse(run.stderr) as string[]).filter((m) => /node_modules\/(graphql|@apollo|@mikro-orm|type-graphql)\/|\/gateway\/src\/|\/subgraphs\/(groups|shops|volunteers|node)\//.test(m));
      expect(loaded).toEqual([]);

      // The CLI created the key file in LILONG_HOME/keys; the identity provider started on it publishes its key.
      const idp = await DemoIdentityProvider.start({ issuer: DEMO_ISSUER, keyFile: demoIdpKeyFile(path.join(home, 'keys')) });
      try {
        const hub = new BearerVerifier({ issuers: [{ issuer: DEMO_ISSUER, jwksUri: idp.jwksUri }], grants: [] });
        expect(await hub.verify(`Bearer ${token}`)).toEqual({ identity: { issuer: DEMO_ISSUER, subject: 'demo:merchant-of:xinhua-1:Shop:1' }, grants: [] });
      } finally {
        await idp.stop();
      }
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
