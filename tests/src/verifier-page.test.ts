/// <reference lib="dom" />
/**
 * The notice verifier page (`/verify`) and the printable notice (`/verify/print`) in a real browser (Debian's
 * Chromium), against a real hub: committee staff publish notices through the hub, and a resident pastes one, or
 * opens its QR code's link, and reads the verdict, reached in the browser with WebCrypto. Nothing comes from another
 * origin. Skipped only where Chromium is not installed and this is not CI (CI installs it and requires it).
 */
import { describeInBrowser, launchChromium } from './support/browser';
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { base64urlEncode, canonicalBytes, encodeSignedDocument, shanghaiTime, type NoticePayload, type SignedDocument } from '@lilong/schema';
import { publishedNoticeKey } from '@lilong/kit';
import { TestCluster } from './support/cluster';

const maybe = describeInBrowser('verifier page');

function signedWith(doc: SignedDocument<NoticePayload>, key: KeyObject, kid: string, changes: Partial<NoticePayload> = {}): string {
  const payload = { ...doc.payload, ...changes };
  return encodeSignedDocument({ format: doc.format, payload, kid, sig: base64urlEncode(sign(null, canonicalBytes(payload), key)) });
}

interface Published {
  id: string;
  signedDocument: string;
  verifierLink: string;
  publishedAt: string;
}

let cluster: TestCluster;
let base: string;
let first: Published;
let second: Published;
let revokedKey: { privateKey: KeyObject; kid: string };

async function publish(token: string, input: Record<string, unknown>): Promise<Published> {
  const answer = await cluster.query(
    `mutation($i: PublishNoticeInput!) { publishNotice(input: $i) { id signedDocument verifierLink publishedAt } }`,
    { i: { community: 'alpha', category: 'TESTING', ...input } },
    token,
  );
  if (answer.errors) throw new Error(JSON.stringify(answer.errors));
  return answer.data.publishNotice;
}

beforeAll(async () => {
  cluster = await TestCluster.start();
  base = cluster.url.replace(/\/graphql$/, '');
  // A second alpha key, revoked since: whatever it signed is refused.
  const revoked = generateKeyPairSync('ed25519').privateKey;
  const listed = { ...(await publishedNoticeKey(revoked, '2020-01-01T00:00:00Z')), revokedAt: '2026-01-01T00:00:00Z' };
  revokedKey = { privateKey: revoked, kid: listed.kid };
  cluster.hub.directory.replace(cluster.hub.directory.list().map((c) => (c.code === 'alpha' ? { ...c, noticeKeys: [...c.noticeKeys, listed] } : c)));
  const committee = await cluster.token([{ role: 'committee', community: 'alpha' }]);
  first = await publish(committee, { title: '本周三核酸检测安排', body: '周三上午8点至11点在甲里弄口检测，请带好身份证。\nTesting on Wednesday 8-11 at the lane gate.' });
  second = await publish(committee, { title: '核酸检测改期', body: '原定周三的检测改到周四上午8点。', supersedes: first.id });
});

afterAll(async () => {
  await cluster?.stop();
});

maybe('the notice verifier page', () => {
  let browser: import('playwright-core').Browser;

  beforeAll(async () => {
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  /** A fresh page that records console errors (a CSP violation is one) and any request to another origin. */
  async function open(url: string, init?: () => void) {
    const page = await browser.newPage();
    const problems: string[] = [];
    const foreign: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('request', (r) => {
      if (!r.url().startsWith(base) && !r.url().startsWith('data:')) foreign.push(r.url());
    });
    if (init) await page.addInitScript(init);
    await page.goto(url);
    return { page, problems, foreign };
  }

  async function verdict(page: import('playwright-core').Page) {
    await page.waitForSelector('#verdict:not([hidden])', { timeout: 15_000 });
    return page.evaluate(() => {
      const box = document.getElementById('verdict')!;
      return { reason: box.dataset.reason, look: box.className, text: box.innerText };
    });
  }

  async function paste(text: string) {
    const opened = await open(`${base}/verify`);
    await opened.page.waitForSelector('#verify-button:not([disabled])');
    await opened.page.fill('#notice-text', text);
    await opened.page.click('#verify-button');
    return { ...opened, verdict: await verdict(opened.page) };
  }

  it('a pasted genuine notice: 真的, with the community, the time and the signed text to compare', async () => {
    const { verdict: v, problems, foreign, page } = await paste(`甲社区居委会转发：\n${second.signedDocument}\n请互相转告`);
    expect(v.reason).toBe('GENUINE');
    expect(v.look).toBe('verdict genuine');
    expect(v.text).toContain('真的');
    expect(v.text).toContain(`是真的：由甲社区于 ${shanghaiTime(second.publishedAt)} 发布。`);
    expect(v.text).toContain(`Genuine: published by 甲社区 at ${shanghaiTime(second.publishedAt)}.`);
    expect(v.text).toContain('核酸检测改期');
    expect(v.text).toContain('原定周三的检测改到周四上午8点。');
    expect(await page.isHidden('#verdict-note')).toBe(true); // supersession was checked at the hub
    expect(problems).toEqual([]);
    expect(foreign).toEqual([]);
  });

  it('one changed character: 不是真的, bad signature, and the changed text is not shown', async () => {
    const { verdict: v, problems } = await paste(second.signedDocument.replace('周四上午8点', '周四上午9点'));
    expect(v.reason).toBe('BAD_SIGNATURE');
    expect(v.look).toBe('verdict refused');
    expect(v.text).toContain('不是真的');
    expect(v.text).toContain('签名与内容不符');
    expect(v.text).not.toContain('周四上午9点');
    expect(problems).toEqual([]);
  });

  it("signed with another community's key: not genuine, naming both", async () => {
    const beta = await publishedNoticeKey(cluster.noticeKeys.get('beta')!, '2020-01-01T00:00:00Z');
    const doc = JSON.parse(second.signedDocument) as SignedDocument<NoticePayload>;
    const { verdict: v } = await paste(signedWith(doc, cluster.noticeKeys.get('beta')!, beta.kid, { id: 'alpha:Notice:9001' }));
    expect(v.reason).toBe('KEY_OF_ANOTHER_COMMUNITY');
    expect(v.text).toContain('不是真的：自称来自甲社区，却是用乙社区的密钥签名的。');
  });

  it('signed with a revoked key: not genuine', async () => {
    const doc = JSON.parse(second.signedDocument) as SignedDocument<NoticePayload>;
    const { verdict: v } = await paste(signedWith(doc, revokedKey.privateKey, revokedKey.kid, { id: 'alpha:Notice:9002' }));
    expect(v.reason).toBe('REVOKED_KEY');
    expect(v.look).toBe('verdict refused');
    expect(v.text).toContain('被甲社区吊销');
  });

  it('a superseded notice: genuine but superseded (amber), naming the notice to follow', async () => {
    const { verdict: v } = await paste(first.signedDocument);
    expect(v.reason).toBe('SUPERSEDED');
    expect(v.look).toBe('verdict caution');
    expect(v.text).toContain('是真的，但已被取代');
    expect(v.text).toContain(second.id);
  });

  it("opening a QR code's link verifies at once: genuine, or superseded", async () => {
    const hash = (link: string) => link.slice(link.indexOf('#'));
    const current = await open(`${base}/verify${hash(second.verifierLink)}`);
    const now = await verdict(current.page);
    expect(now.reason).toBe('GENUINE');
    expect(now.text).toContain('核酸检测改期');
    expect(current.problems).toEqual([]);
    const old = await open(`${base}/verify${hash(first.verifierLink)}`);
    expect((await verdict(old.page)).reason).toBe('SUPERSEDED');
  });

  it("a QR code whose signature is not that of the notice under its ID, or that names no notice: not genuine", async () => {
    const doc = JSON.parse(second.signedDocument) as SignedDocument;
    const forged = new URLSearchParams({ id: second.id, kid: doc.kid, sig: doc.sig.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) });
    const mismatch = await open(`${base}/verify#${forged}`);
    const m = await verdict(mismatch.page);
    expect(m.reason).toBe('SIGNATURE_MISMATCH');
    expect(m.text).toContain('二维码与以');
    const missing = await open(`${base}/verify#${new URLSearchParams({ id: 'alpha:Notice:987654', kid: doc.kid, sig: doc.sig })}`);
    expect((await verdict(missing.page)).reason).toBe('NOT_FOUND');
  });

  it('when the hub cannot be asked, a pasted notice is still verified and the page says supersession was not checked', async () => {
    const opened = await open(`${base}/verify`);
    await opened.page.route(`${base}/graphql`, (route) => route.abort());
    await opened.page.waitForSelector('#verify-button:not([disabled])');
    await opened.page.fill('#notice-text', first.signedDocument);
    await opened.page.click('#verify-button');
    const v = await verdict(opened.page);
    expect(v.reason).toBe('GENUINE');
    expect(v.text).toContain('无法查询是否已有新通知取代它');
  });

  it('a browser without Ed25519 says it cannot check, never "not genuine" or "genuine"', async () => {
    const opened = await open(`${base}/verify`, () => {
      crypto.subtle.importKey = () => Promise.reject(new DOMException('Algorithm: Unrecognized name', 'NotSupportedError'));
    });
    await opened.page.waitForSelector('#verify-button:not([disabled])');
    await opened.page.fill('#notice-text', second.signedDocument);
    await opened.page.click('#verify-button');
    const v = await verdict(opened.page);
    expect(v.reason).toBe('CANNOT_CHECK');
    expect(v.look).toBe('verdict unknown');
    expect(v.text).toContain('此浏览器不支持 Ed25519 签名核验');
    expect(v.text).not.toContain('不是真的');
  });

  it('the printable notice: the text, its facts and the QR code image of its verifier link', async () => {
    const { page, problems, foreign } = await open(`${base}/verify/print#id=${encodeURIComponent(second.id)}`);
    await page.waitForSelector('#notice:not([hidden])', { timeout: 15_000 });
    expect(await page.textContent('#notice-title')).toBe('核酸检测改期');
    expect(await page.textContent('#notice-community')).toBe('甲社区');
    const facts = (await page.textContent('#notice-facts'))!;
    expect(facts).toContain(first.id); // what it replaces
    expect(facts).toContain(shanghaiTime(second.publishedAt));
    expect(await page.textContent('#notice-link')).toBe(second.verifierLink);
    const qr = await page.$eval('#notice-qr', (img) => ({ src: (img as HTMLImageElement).src, width: (img as HTMLImageElement).naturalWidth }));
    expect(qr.src.startsWith('data:image/svg+xml')).toBe(true);
    expect(qr.width).toBeGreaterThan(0);
    await page.emulateMedia({ media: 'print' });
    expect(await page.isVisible('#print-button')).toBe(false);
    expect(await page.isVisible('#notice-qr')).toBe(true);
    expect(problems).toEqual([]);
    expect(foreign).toEqual([]);
  });
});

describe('the verifier over HTTP', () => {
  it("/notice-keys.json: every community's keys, public, cached briefly", async () => {
    const response = await fetch(`${base}/notice-keys.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('public, max-age=60');
    const keys = await response.json();
    expect(keys.format).toBe('lilong-notice-keys/1');
    expect(keys.communities.map((c: { code: string }) => c.code)).toEqual(cluster.communities.map((c) => c.code));
    expect(keys.communities[0].noticeKeys[0]).toMatchObject({ jwk: { kty: 'OKP', crv: 'Ed25519' }, revokedAt: null });
  });

  it('the pages carry a strict CSP, and only allow-listed assets are served', async () => {
    const page = await fetch(`${base}/verify`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await page.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)/); // no inline script
    const script = html.match(/src="(\/verify\/assets\/verify\.js\?v=[^"]+)"/)![1]!;
    const js = await fetch(`${base}${script}`);
    expect(js.headers.get('content-type')).toBe('application/javascript; charset=utf-8');
    expect(await js.text()).toMatch(/from '\.\/check\.js\?v=[^']+'/);
    for (const path of ['/verify/assets/package.json', '/verify/assets/..%2F..%2Fpackage.json', '/verify/assets/signed.ts']) {
      expect((await fetch(`${base}${path}`)).status).toBe(404);
    }
    expect((await fetch(`${base}/verify`, { method: 'POST' })).status).toBe(405);
  });
});
