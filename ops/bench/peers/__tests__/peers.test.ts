import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decodeProtectedHeader, decodeJwt } from 'jose';
import { AssertionVerifier, keysById } from '@lilong/kit';
import { SHARDED_SUBGRAPHS, SUPERGRAPH_PATH } from '@lilong/schema';
import { hubCommand, peerSupergraph } from '../layout';
import { ownerOf, summarizeProfile, type CpuProfile } from '../profile';
import { targetLines, targetsTable, type HarnessRow } from '../targets';

const REPO = path.resolve(__dirname, '../../../..');

describe("the peers' hub assertion (ops/bench/peers/assertion.mjs)", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lilong-peer-assertion-'));
  const pair = generateKeyPairSync('ed25519');
  const keyFile = path.join(dir, 'hub.pem');
  writeFileSync(keyFile, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Signs with the peer script in a child process (it is an ES module with top-level await), as a peer gateway does. */
  const peerSigns = (url: string, script = path.join(__dirname, '..', 'assertion.mjs')) =>
    execFileSync(process.execPath, ['--input-type=module', '-e', `import { signAssertion } from ${JSON.stringify(script)}; console.log(await signAssertion(${JSON.stringify(url)}))`], {
      env: { ...process.env, LILONG_HUB_PRIVATE_KEY_FILE: keyFile, LILONG_COMMUNITY: 'xinhua-1' },
      encoding: 'utf8',
    }).trim();

  it('is accepted by a node of that community, for that path, once', async () => {
    const verifier = new AssertionVerifier('xinhua-1', await keysById([pair.publicKey]));
    const token = peerSigns('http://127.0.0.1:4101/shops/graphql');
    expect(await verifier.verify(token, '/shops/graphql')).toEqual({ caller: { identity: null, grants: [] } });
    expect(await verifier.verify(token, '/shops/graphql')).toEqual({ refused: 'replayed' });
  });

  it('is refused for another path or another community', async () => {
    const token = peerSigns('http://127.0.0.1:4101/groups/graphql');
    expect(await new AssertionVerifier('xinhua-1', await keysById([pair.publicKey])).verify(token, '/shops/graphql')).toEqual({ refused: 'wrong-path' });
    expect(await new AssertionVerifier('fahua', await keysById([pair.publicKey])).verify(token, '/groups/graphql')).toEqual({ refused: 'wrong-audience' });
  });

  it("carries the hub's header and lifetime: kid, 30 s, a fresh nonce each time", () => {
    const [a, b] = [peerSigns('http://x/shops/graphql'), peerSigns('http://x/shops/graphql')];
    expect(decodeProtectedHeader(a!)).toEqual({ alg: 'EdDSA', kid: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), typ: 'JWT' });
    const claims = decodeJwt(a!);
    expect(claims).toMatchObject({ iss: 'lilong-hub', aud: 'lilong-node:xinhua-1', grants: [], path: '/shops/graphql' });
    expect(claims.exp! - claims.iat!).toBe(30);
    expect(decodeJwt(b!).jti).not.toBe(claims.jti);
  });
});

describe('peerSupergraph', () => {
  const committed = readFileSync(SUPERGRAPH_PATH, 'utf8');

  it("points every sharded subgraph at its path on the node, and the hub's own at a path no node serves", () => {
    const sdl = peerSupergraph(committed, 'http://127.0.0.1:4101/');
    const urls = Object.fromEntries([...sdl.matchAll(/@join__graph\(name: "([^"]+)", url: "([^"]+)"\)/g)].map((m) => [m[1], m[2]]));
    for (const name of SHARDED_SUBGRAPHS) expect(urls[name]).toBe(`http://127.0.0.1:4101/${name}/graphql`);
    expect(urls.hub).toBe('http://127.0.0.1:4101/hub/graphql');
    expect(sdl).not.toContain('.invalid');
  });

  it('refuses a supergraph that lacks a sharded subgraph', () => {
    const withoutShops = committed.replace(/\n\s*SHOPS @join__graph\([^)]*\)/, '');
    expect(() => peerSupergraph(withoutShops, 'http://127.0.0.1:4101')).toThrow('no @join__graph for shops');
  });
});

describe('hubCommand', () => {
  it('execs the hub with its directory, key and switches, quoted for sh', () => {
    const cmd = hubCommand({ build: 'src', directoryFile: "/tmp/it's/directory.json", hubPrivateKeyFile: '/k/hub.pem', mergeInflight: false });
    expect(cmd).toContain(`LILONG_DIRECTORY='/tmp/it'\\''s/directory.json'`);
    expect(cmd).toContain(`LILONG_MERGE_INFLIGHT='false'`);
    expect(cmd).toContain(` exec '${process.execPath}' '-r' '${path.join(REPO, 'ops/register.js')}' '${path.join(REPO, 'gateway/src/main.ts')}'`);
    expect(hubCommand({ build: 'dist', directoryFile: '/d.json', hubPrivateKeyFile: '/k', mergeInflight: true })).not.toContain('LILONG_MERGE_INFLIGHT');
  });
});

describe('targetLines', () => {
  const row = (target: string, query: string, rps: number, cpuMs: number, p50 = 10, p99 = 20): HarnessRow => ({ round: 1, target, query, rps, p50, p99, cpuMs, systemCpuMs: cpuMs * 2, rssMb: 100, otherCpu: 1, bad: 0 });

  it('computes each ratio from medians over rounds and says whether it is met', () => {
    const peers = [
      row('apollo-gateway', 'deep', 100, 6),
      row('lilong-1', 'deep', 90, 5),
      { ...row('lilong-1', 'deep', 130, 9), round: 2 },
      { ...row('lilong-1', 'deep', 120, 8), round: 3 },
      row('hive-rust-qp', 'deep', 300, 4),
    ];
    const lines = targetLines({ peers, fanout: [], queries: ['deep'], fanoutQuery: 'fanout' });
    expect(lines.map((l) => [l.target, l.ratio?.toFixed(2), l.met])).toEqual([
      ['deep: hub req/s ≥ @apollo/gateway', '1.20', true],
      ['deep: hub CPU ms/req ≤ @apollo/gateway', '1.33', false],
      ['deep: hub CPU ms/req ≤ 1.5x Hive + Rust planner', '2.00', false],
      ['deep: same, both without in-flight merging', undefined, undefined],
    ]);
    expect(targetsTable(lines)).toContain('| deep: same, both without in-flight merging | lilong-1-nodedup - ms vs hive-rust-nodedup - | - | not measured |');
  });

  it('judges the fan-out by latency at 4 against 1 and by hub CPU per community fetch', () => {
    const fanout = [row('lilong-1', 'fanout', 100, 2, 30, 60), row('lilong-4', 'fanout', 50, 3, 75, 100), row('lilong-1-nodedup', 'fanout', 80, 2), row('lilong-4-nodedup', 'fanout', 30, 4)];
    const lines = targetLines({ peers: [], fanout, queries: [], fanoutQuery: 'fanout', fetchesPerRequest: { one: 1, four: 4 } });
    expect(lines.map((l) => [l.target, l.ratio?.toFixed(2), l.met])).toEqual([
      ['fanout: p50 latency, 4 communities ≤ 2x 1', '2.50', false],
      ['fanout: p99 latency, 4 communities ≤ 2x 1', '1.67', true],
      ['fanout: hub CPU per community fetch, 4 vs 1 (no merging) ≤ 1.1x', '0.50', true],
    ]);
    expect(lines[2]!.measured).toContain('each further fetch 0.667 ms');
  });
});

describe('summarizeProfile', () => {
  const frame = (id: number, functionName: string, url: string) => ({ id, callFrame: { functionName, url, lineNumber: 9, columnNumber: 0 } });
  const profile: CpuProfile = {
    nodes: [frame(1, '(idle)', ''), frame(2, 'call', `file://${REPO}/gateway/src/routing/community-links.ts`), frame(3, 'execute', `${REPO}/node_modules/graphql/execution/execute.js`), frame(4, '(garbage collector)', '')],
    startTime: 1_000_000,
    endTime: 1_000_600,
    // 100 µs apart: samples at 1_000_100 ... 1_000_600
    samples: [2, 2, 3, 1, 4, 2],
    timeDeltas: [100, 100, 100, 100, 100, 100],
  };

  it("splits self time between Lilong's code, packages and V8, leaving idle out", () => {
    const s = summarizeProfile(profile, REPO);
    expect(s.functions.map((f) => [f.name, f.owner, f.where, +f.selfMs.toFixed(1)])).toEqual([
      ['call', 'lilong', 'gateway/src/routing/community-links.ts:10', 0.2],
      ['execute', 'graphql', 'execute.js:10', 0.1],
      ['(garbage collector)', '(garbage collector)', '', 0.1],
    ]);
    expect(+s.busyMs.toFixed(1)).toBe(0.4);
  });

  it('counts only the samples inside the load window', () => {
    const s = summarizeProfile(profile, REPO, { from: 1_000_250, to: 1_000_550 });
    expect(s.windowed).toBe(true);
    expect(s.functions.map((f) => f.name)).toEqual(['execute', '(garbage collector)']);
  });

  it('names the owner of a frame', () => {
    expect(ownerOf(`${REPO}/node_modules/@apollo/gateway/dist/x.js`, 'f', REPO)).toBe('@apollo/gateway');
    expect(ownerOf('node:internal/crypto/sig', 'signOneShot', REPO)).toBe('(node)');
    expect(ownerOf(`file://${REPO}/subgraphs/kit/src/auth/assertion.ts`, 'signAssertion', REPO)).toBe('lilong');
  });
});
