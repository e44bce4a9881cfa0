/**
 * `npm run verify-notice`, run as a user runs it (a child process of `node ops/bin/lilong.js`), on notices signed
 * here with keys made here: the verdict, in Chinese and English, and the exit code, for a genuine notice and for
 * each way one can fail. Offline with a saved key directory, and through a hub (a stand-in serving the hub's two
 * public endpoints, /notice-keys.json and the GraphQL `notice`/`digest` fields) for a QR code's link.
 */
import { spawn } from 'node:child_process';
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  base64urlEncode,
  canonicalBytes,
  encodeSignedDocument,
  NOTICE_TYPE,
  SIGNED_FORMAT,
  verifierLink,
  type KeyDirectory,
  type NoticePayload,
  type PublishedKey,
  type SignedDocument,
} from '@lilong/schema';
import { keyIdOf } from '@lilong/kit/src/auth/keys';
import { REPO_ROOT } from '../../ops/src/paths';
import { runLilong } from './support/commands';

interface CommunityKey {
  privateKey: KeyObject;
  published: PublishedKey;
}

async function communityKey(revokedAt: string | null = null): Promise<CommunityKey> {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const { x } = publicKey.export({ format: 'jwk' }) as { x: string };
  return { privateKey, published: { kid: await keyIdOf(publicKey), jwk: { kty: 'OKP', crv: 'Ed25519', x }, validFrom: '2026-01-01T00:00:00Z', validUntil: null, revokedAt } };
}

function signed(payload: NoticePayload, key: CommunityKey): SignedDocument<NoticePayload> {
  return { format: SIGNED_FORMAT, payload, kid: key.published.kid, sig: base64urlEncode(sign(null, canonicalBytes(payload), key.privateKey)) };
}

/** 14:05 in Shanghai. */
const PUBLISHED_AT = '2026-11-30T06:05:00Z';

function notice(n: number, changes: Partial<NoticePayload> = {}): NoticePayload {
  return {
    type: NOTICE_TYPE,
    id: `alpha:Notice:${n}`,
    community: 'alpha',
    publishedAt: PUBLISHED_AT,
    publishedBy: "居委会 Residents' committee",
    title: '本周三核酸检测安排',
    body: '周三上午8点至11点在甲里弄口检测，请带好身份证。\nTesting on Wednesday 8-11 at the lane gate.',
    category: 'HEALTH',
    scope: { wholeCommunity: true, compounds: [] },
    validFrom: PUBLISHED_AT,
    validUntil: null,
    supersedes: null,
    ...changes,
  };
}

/** The command as a user runs it; asynchronous, so the stand-in hub in this process keeps answering. */
const verifyNotice = (args: string[], stdin?: string) => runLilong('verify-notice', args, stdin);

let dir: string;
let alphaKey: CommunityKey;
let alphaRevoked: CommunityKey;
let betaKey: CommunityKey;
let keysFile: string;
let keys: KeyDirectory;
const file = (name: string, text: string): string => {
  const at = path.join(dir, name);
  writeFileSync(at, text);
  return at;
};

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'lilong-verify-'));
  alphaKey = await communityKey();
  alphaRevoked = await communityKey('2026-11-30T10:00:00Z');
  betaKey = await communityKey();
  keys = {
    format: 'lilong-notice-keys/1',
    communities: [
      { code: 'alpha', name: '甲社区', nameEn: 'Alpha', noticeKeys: [alphaKey.published, alphaRevoked.published] },
      { code: 'beta', name: '乙社区', nameEn: 'Beta', noticeKeys: [betaKey.published] },
    ],
  };
  keysFile = file('notice-keys.json', JSON.stringify(keys));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('verify-notice offline, with a saved key directory', () => {
  it('says genuine, by whom and when, and that supersession was not checked; exit 0', async () => {
    const run = await verifyNotice(['--keys', keysFile, file('genuine.json', encodeSignedDocument(signed(notice(1), alphaKey)))]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('是真的：由甲社区于 2026-11-30 14:05 发布。');
    expect(run.stdout).toContain('Genuine: published by 甲社区 at 2026-11-30 14:05.');
    expect(run.stdout).toContain('本周三核酸检测安排');
    expect(run.stdout).toContain('未查询是否已有新通知取代它（离线核验）');
    expect(run.stdout).toContain('--superseded-by <file> or --hub <url> to check');
  });

  it('reads the notice inside a forwarded chat message on standard input', async () => {
    const message = `【转发】甲社区居委会：\n${encodeSignedDocument(signed(notice(1), alphaKey))}\n请大家互相转告，谢谢！`;
    const run = await verifyNotice(['--keys', keysFile, '--json'], message);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ genuine: true, inForce: true, reason: 'GENUINE', community: 'alpha', communityName: '甲社区', publishedAt: PUBLISHED_AT, supersession: 'unknown' });
  });

  it('one changed character in the body: not genuine, bad signature; exit 1', async () => {
    const text = encodeSignedDocument(signed(notice(1), alphaKey)).replace('8点至11点', '8点至12点');
    const run = await verifyNotice(['--keys', keysFile, '--text', text]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('不是真的 Not genuine');
    expect(run.stdout).toContain('签名与内容不符');
    expect(run.stdout).toContain('reason: BAD_SIGNATURE');
    expect(run.stdout).not.toContain('8点至12点'); // the changed text is never shown as if it were the notice
  });

  it("signed with another community's key: names both communities; exit 1", async () => {
    const run = await verifyNotice(['--keys', keysFile, '--json', '--text', encodeSignedDocument(signed(notice(2), betaKey))]);
    expect(run.code).toBe(1);
    const verdict = JSON.parse(run.stdout);
    expect(verdict).toMatchObject({ genuine: false, reason: 'KEY_OF_ANOTHER_COMMUNITY' });
    expect(verdict.messageZh).toBe('不是真的：自称来自甲社区，却是用乙社区的密钥签名的。');
  });

  it('signed with a revoked key, even before its revocation: not genuine; exit 1', async () => {
    const run = await verifyNotice(['--keys', keysFile, '--text', encodeSignedDocument(signed(notice(3), alphaRevoked))]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('reason: REVOKED_KEY');
    expect(run.stdout).toContain('所用密钥已于 2026-11-30 18:00 被甲社区吊销');
  });

  it('a key no community has: unknown key; exit 1', async () => {
    const stranger = await communityKey();
    const run = await verifyNotice(['--keys', keysFile, '--text', encodeSignedDocument(signed(notice(4), stranger))]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('reason: UNKNOWN_KEY');
  });

  it('superseded by a later genuine notice given with --superseded-by: genuine but superseded; exit 2', async () => {
    const later = signed(notice(6, { title: '核酸检测改期', publishedAt: '2026-12-01T01:30:00Z', validFrom: '2026-12-01T01:30:00Z', supersedes: 'alpha:Notice:5' }), alphaKey);
    const run = await verifyNotice(['--keys', keysFile, '--superseded-by', file('later.json', encodeSignedDocument(later)), '--text', encodeSignedDocument(signed(notice(5), alphaKey))]);
    expect(run.code).toBe(2);
    expect(run.stdout).toContain('是真的，但已被取代 Genuine, but superseded');
    expect(run.stdout).toContain('已被 2026-12-01 09:30 发布的通知 alpha:Notice:6 取代');
    expect(run.stdout).toContain('reason: SUPERSEDED');
  });

  it('a "superseding" notice that is not genuine does not supersede anything', async () => {
    const forged = signed(notice(7, { supersedes: 'alpha:Notice:5' }), betaKey);
    const run = await verifyNotice(['--keys', keysFile, '--superseded-by', file('forged-later.json', encodeSignedDocument(forged)), '--text', encodeSignedDocument(signed(notice(5), alphaKey))]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('reason: GENUINE');
    expect(run.stdout).toContain('所给的新通知并未取代它');
  });

  it('a notice whose validity has ended: genuine but not in force; exit 2', async () => {
    const run = await verifyNotice(['--keys', keysFile, '--text', encodeSignedDocument(signed(notice(8, { validUntil: '2026-12-01T00:00:00Z' }), alphaKey))]);
    expect(run.code).toBe(2);
    expect(run.stdout).toContain('reason: NOT_IN_FORCE');
  });

  it('unreadable text: says why; exit 1', async () => {
    const run = await verifyNotice(['--keys', keysFile, '--text', '请核验这份通知 { "format": "lilong-signed/1", "kid": ']);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('无法读取 Cannot be read');
    expect(run.stdout).toContain('reason: UNREADABLE');
    const none = await verifyNotice(['--keys', keysFile, '--text', '今天下午停水']);
    expect(none.code).toBe(1);
    expect(none.stdout).toContain('文本中没有找到带签名的通知');
  });

  it("a QR code's link without --hub cannot be checked; exit 1", async () => {
    const doc = signed(notice(1), alphaKey);
    const run = await verifyNotice(['--keys', keysFile, '--text', verifierLink('http://hub.example', doc)]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('无法核验 Cannot check');
    expect(run.stdout).toContain('需要连接街道枢纽取回原文');
  });

  it('usage errors exit 64 and say what is wrong; --help exits 0', async () => {
    const noKeys = await verifyNotice(['--text', '{}']);
    expect(noKeys.code).toBe(64);
    expect(noKeys.stderr).toContain('--keys <notice-keys.json> (offline) or --hub <url>');
    const badKeys = await verifyNotice(['--keys', file('not-keys.json', '{"keys": []}'), '--text', '{}']);
    expect(badKeys.code).toBe(64);
    expect(badKeys.stderr).toContain('is not a lilong-notice-keys/1 key directory');
    const unknown = await verifyNotice(['--keys', keysFile, '--verbose']);
    expect(unknown.code).toBe(64);
    expect(unknown.stderr).toContain('unknown option --verbose');
    const help = await verifyNotice(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Exit code: 0 genuine and in force');
  });

  it('loads neither GraphQL nor the ORM', async () => {
    const probe = `require('./ops/register.js'); require('./ops/src/verify-notice.ts');
      const loaded = Object.keys(require.cache).filter((f) => /node_modules\\/(graphql|@mikro-orm|@apollo)\\//.test(f));
      console.log(JSON.stringify(loaded));`;
    const run = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, ['-e', probe], { cwd: REPO_ROOT });
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.on('error', reject);
      child.on('close', () => resolve(out));
    });
    expect(JSON.parse(run)).toEqual([]);
  });
});

describe('verify-notice through a hub', () => {
  /** What the stand-in hub has published, by ID: the document and the notice superseding it. */
  const published = new Map<string, { signedDocument: string; supersededByDocument: string | null }>();
  let hub: Server;
  let hubUrl: string;
  const graphqlCalls: { query: string; variables: { id: string } }[] = [];

  beforeAll(async () => {
    hub = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        res.setHeader('content-type', 'application/json');
        if (req.method === 'GET' && req.url === '/notice-keys.json') return void res.end(JSON.stringify(keys));
        if (req.method === 'POST' && req.url === '/graphql') {
          const call = JSON.parse(body) as { query: string; variables: { id: string } };
          graphqlCalls.push(call);
          const field = call.query.includes('digest(') ? 'digest' : 'notice';
          return void res.end(JSON.stringify({ data: { [field]: published.get(call.variables.id) ?? null } }));
        }
        res.statusCode = 404;
        res.end('{}');
      });
    });
    await new Promise<void>((resolve) => hub.listen(0, '127.0.0.1', resolve));
    hubUrl = `http://127.0.0.1:${(hub.address() as AddressInfo).port}`;
    const first = signed(notice(11), alphaKey);
    const second = signed(notice(12, { title: '核酸检测改期', publishedAt: '2026-12-01T01:30:00Z', validFrom: '2026-12-01T01:30:00Z', supersedes: 'alpha:Notice:11' }), alphaKey);
    published.set('alpha:Notice:11', { signedDocument: encodeSignedDocument(first), supersededByDocument: encodeSignedDocument(second) });
    published.set('alpha:Notice:12', { signedDocument: encodeSignedDocument(second), supersededByDocument: null });
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => hub.close(() => resolve()));
  });

  it("a QR code's link: fetches the notice by ID, checks it is the one printed, and verifies it; exit 0", async () => {
    const second = JSON.parse(published.get('alpha:Notice:12')!.signedDocument) as SignedDocument;
    const run = await verifyNotice(['--hub', hubUrl, '--text', verifierLink(hubUrl, second)]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('是真的：由甲社区于 2026-12-01 09:30 发布。');
    expect(run.stdout).toContain('核酸检测改期');
    expect(graphqlCalls.at(-1)).toMatchObject({ variables: { id: 'alpha:Notice:12' } });
    expect(graphqlCalls.at(-1)!.query).toContain('supersededByDocument');
  });

  it("a QR code's link to a superseded notice: exit 2", async () => {
    const first = JSON.parse(published.get('alpha:Notice:11')!.signedDocument) as SignedDocument;
    const run = await verifyNotice(['--hub', hubUrl, '--json', '--text', verifierLink(hubUrl, first)]);
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout)).toMatchObject({ genuine: true, inForce: false, reason: 'SUPERSEDED', supersededBy: { id: 'alpha:Notice:12' }, supersession: 'checked' });
  });

  it("a QR code whose signature is not that of the notice under its ID: signature mismatch; exit 1", async () => {
    const forged = signed(notice(12, { body: '请把钱转到以下账户' }), alphaRevoked);
    const run = await verifyNotice(['--hub', hubUrl, '--text', verifierLink(hubUrl, forged)]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('reason: SIGNATURE_MISMATCH');
    expect(run.stdout).toContain('二维码与以 alpha:Notice:12 发布的通知不符');
  });

  it("a QR code naming a notice the hub does not have: not found; exit 1", async () => {
    const run = await verifyNotice(['--hub', hubUrl, '--text', `${hubUrl}/verify#id=alpha:Notice:99&kid=${alphaKey.published.kid}&sig=AAAA`]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('reason: NOT_FOUND');
  });

  it('a pasted notice is checked for supersession at the hub, with the keys from the saved file', async () => {
    const run = await verifyNotice(['--keys', keysFile, '--hub', hubUrl, '--text', published.get('alpha:Notice:11')!.signedDocument]);
    expect(run.code).toBe(2);
    expect(run.stdout).toContain('reason: SUPERSEDED');
  });

  it('a hub that cannot be reached: cannot check a link (exit 1); a pasted notice is still verified, supersession unknown', async () => {
    const gone = 'http://127.0.0.1:9';
    const link = await verifyNotice(['--keys', keysFile, '--hub', gone, '--text', `${gone}/verify#id=alpha:Notice:12&kid=x&sig=y`]);
    expect(link.code).toBe(1);
    expect(link.stdout).toContain('无法连接街道枢纽');
    const pasted = await verifyNotice(['--keys', keysFile, '--hub', gone, '--text', encodeSignedDocument(signed(notice(1), alphaKey))]);
    expect(pasted.code).toBe(0);
    expect(pasted.stdout).toContain('reason: GENUINE');
    expect(pasted.stdout).toContain('无法查询是否已有新通知取代它');
  });
});
