import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { claimsFromAuthorization } from '../../../gateway/src/auth/bearer';
import { DEMO_ISSUER, mintDemoToken } from '../keys';
import { REPO_ROOT } from '../paths';
import { demoSubject, parseTokenArgs, TOKEN_CLOCK_ALLOWANCE_SECONDS, TOKEN_HELP } from '../token-args';

const leader = (household: string) => ['--role', 'leader', '--group', 'fahua:Group:1', '--household', household, '--compound', 'fahua:Compound:1'];

describe('npm run token', () => {
  it('gives each demo identity its own subject, the same in every run', () => {
    const subjects = [
      parseTokenArgs(leader('fahua:Household:1')).sub,
      parseTokenArgs(leader('fahua:Household:2')).sub,
      parseTokenArgs(['--role', 'merchant', '--shop', 'xinhua-1:Shop:1']).sub,
      parseTokenArgs(['--role', 'merchant', '--shop', 'xinhua-1:Shop:2']).sub,
      parseTokenArgs(['--role', 'committee', '--community', 'xinhua-1']).sub,
      parseTokenArgs(['--role', 'dispatcher', '--community', 'xinhua-1']).sub,
      parseTokenArgs(['--role', 'subdistrict']).sub,
    ];
    expect(subjects).toEqual([
      'demo:leader:fahua:Group:1:fahua:Household:1',
      'demo:leader:fahua:Group:1:fahua:Household:2',
      'demo:merchant:xinhua-1:Shop:1',
      'demo:merchant:xinhua-1:Shop:2',
      'demo:committee:xinhua-1',
      'demo:dispatcher:xinhua-1',
      'demo:subdistrict',
    ]);
    // The address is the identity provider's record of the household, not another person.
    const resident = (address: string) =>
      parseTokenArgs(['--role', 'resident', '--household', 'fahua:Household:3', '--compound', 'fahua:Compound:1', '--building', '3', '--address', address]).sub;
    expect(resident('3-1-201')).toBe('demo:resident:fahua:Household:3');
    expect(resident('3-1-201')).toBe(resident('3-1-202'));
  });

  it('names a person with several roles the same whatever order the roles come in, and --sub wins', () => {
    const a = parseTokenArgs(['--role', 'committee', '--community', 'xinhua-1', '--role', 'merchant', '--shop', 'xinhua-1:Shop:1']);
    const b = parseTokenArgs(['--role', 'merchant', '--shop', 'xinhua-1:Shop:1', '--role', 'committee', '--community', 'xinhua-1']);
    expect(a.sub).toBe('demo:committee:xinhua-1+merchant:xinhua-1:Shop:1');
    expect(b.sub).toBe(a.sub);
    expect(parseTokenArgs(['--role', 'subdistrict', '--sub', 'wang.li']).sub).toBe('wang.li');
    expect(() => parseTokenArgs(['--role', 'subdistrict', '--sub', ' '])).toThrow('--sub must not be empty');
    expect(demoSubject([{ role: 'subdistrict' }])).toBe('demo:subdistrict');
  });

  it('documents the clock allowance the hub really applies', () => {
    const idp = generateKeyPairSync('ed25519');
    const issuers = new Map([[DEMO_ISSUER, idp.publicKey]]);
    const accepted = (offsetSeconds: number, hours: number) => {
      const token = mintDemoToken(idp.privateKey, [{ role: 'subdistrict' }], 'demo:subdistrict', hours, Date.now() + offsetSeconds * 1000);
      return !(claimsFromAuthorization(`Bearer ${token}`, issuers) instanceof Error);
    };
    const allowance = TOKEN_CLOCK_ALLOWANCE_SECONDS;
    // A one-hour token minted an hour and (allowance - 2) s ago expired within the allowance; one beyond it is refused.
    const hourAgo = -3600;
    expect(accepted(hourAgo - (allowance - 2), 1)).toBe(true);
    expect(accepted(hourAgo - (allowance + 2), 1)).toBe(false);
    // Stamped in the future within / beyond the allowance (the minting clock runs ahead of the hub's).
    expect(accepted(allowance - 2, 1)).toBe(true);
    expect(accepted(allowance + 2, 1)).toBe(false);
    expect(TOKEN_HELP).toContain(`${allowance} s of clock difference`);
  });

  it('signs without loading GraphQL, the ORM or the gateway', () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'lilong-token-'));
    try {
      // The CLI as `npm run token` runs it, reporting on stderr every module it loaded.
      const script = `
        process.argv = [process.execPath, 'lilong', 'token', '--role', 'merchant', '--shop', 'xinhua-1:Shop:1'];
        process.on('exit', () => process.stderr.write(JSON.stringify(Object.keys(require.cache))));
        require(${JSON.stringify(path.join(REPO_ROOT, 'ops/src/cli.ts'))});`;
      const run = spawnSync(process.execPath, ['-r', path.join(REPO_ROOT, 'ops/register.js'), '-e', script], {
        env: { ...process.env, LILONG_HOME: home },
        encoding: 'utf8',
      });
      expect(run.status).toBe(0);
      const [, payload] = run.stdout.trim().split('.');
      expect(JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8'))).toMatchObject({ iss: DEMO_ISSUER, sub: 'demo:merchant:xinhua-1:Shop:1' });
      const loaded = (JSON.parse(run.stderr) as string[]).filter((m) => /node_modules\/(graphql|@apollo|@mikro-orm|type-graphql)\/|\/gateway\/src\/|\/subgraphs\/(groups|shops|volunteers|node)\//.test(m));
      expect(loaded).toEqual([]);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
