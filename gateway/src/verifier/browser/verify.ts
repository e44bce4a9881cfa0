/// <reference lib="dom" />
/**
 * The verifier page's script (`/verify`), served compiled as an ES module. The verdict is reached here, in the
 * browser, with signed.ts and check.ts as every other verifier uses them; the hub provides only the published keys
 * and, for a QR code's link or supersession, the documents, which are verified in turn.
 *
 * Opened as `/verify#id=…&kid=…&sig=…` (a printed notice's QR code), it checks that reference at once.
 */
import { NOTICE_TYPE, shanghaiTime, type Ed25519Verify, type KeyDirectory, type PublishedKey } from '@lilong/schema/src/signed';
import { CannotCheck, checkText, hubLookup, type Check } from '../check';

const byId = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the page has no #${id}`);
  return el as T;
};

const text = byId<HTMLTextAreaElement>('notice-text');
const button = byId<HTMLButtonElement>('verify-button');
const status = byId('status');
const verdictBox = byId('verdict');

/**
 * RFC 8032, section 7.1, test 1 (empty message): the browser's Ed25519 must accept it and refuse it altered before
 * any verdict is given, so a browser without Ed25519 (or with a broken one) says so instead of calling a notice fake.
 */
const PROBE = {
  jwk: { kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' } as const,
  sig: '5VZDAMNgrHKQhuLMgG6CioSHfx645dl02HPgZSJJAVVfuIIVkKM7rMYeOXAc-bRr0lv18FlbviRlUUFDjnoQCw',
};

const fromBase64url = (s: string): Uint8Array<ArrayBuffer> => Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));

async function webCryptoEd25519(): Promise<Ed25519Verify> {
  if (!globalThis.crypto?.subtle) {
    throw new CannotCheck(
      'this browser offers no signature checking here: open the page over https (or on this computer as localhost), or use `npm run verify-notice`',
      '浏览器在此连接下不提供签名核验：请通过 https 打开本页，或使用命令 npm run verify-notice',
    );
  }
  const verify: Ed25519Verify = async (jwk: PublishedKey['jwk'], data, signature) => {
    const key = await crypto.subtle.importKey('jwk', { ...jwk }, { name: 'Ed25519' }, false, ['verify']);
    return crypto.subtle.verify({ name: 'Ed25519' }, key, new Uint8Array(signature), new Uint8Array(data));
  };
  let works = false;
  try {
    const good = fromBase64url(PROBE.sig);
    const bad = good.slice();
    bad[0] ^= 1;
    works = (await verify(PROBE.jwk, new Uint8Array(0), good)) && !(await verify(PROBE.jwk, new Uint8Array(0), bad));
  } catch {
    works = false;
  }
  if (!works) {
    throw new CannotCheck(
      'this browser cannot check Ed25519 signatures; open the page in a current browser (Chrome or Edge 137+, Safari 17+, Firefox 129+), or use `npm run verify-notice`',
      '此浏览器不支持 Ed25519 签名核验，请换用新版浏览器（Chrome/Edge 137 以上、Safari 17 以上、Firefox 129 以上），或使用命令 npm run verify-notice',
    );
  }
  return verify;
}

const ed25519 = webCryptoEd25519();
ed25519.catch(() => undefined); // reported when a check is asked for

async function loadKeys(): Promise<KeyDirectory> {
  let keys: KeyDirectory | undefined;
  try {
    const response = await fetch('/notice-keys.json', { headers: { accept: 'application/json' } });
    if (response.ok) keys = (await response.json()) as KeyDirectory;
  } catch {
    keys = undefined;
  }
  if (keys?.format !== 'lilong-notice-keys/1' || !Array.isArray(keys.communities)) {
    throw new CannotCheck('the communities\u2019 public keys could not be loaded from the hub (/notice-keys.json)', '无法从街道枢纽载入各社区公钥（/notice-keys.json）');
  }
  return keys;
}

const LOOKS: Record<string, { cls: string; zh: string; en: string }> = {
  GENUINE: { cls: 'genuine', zh: '✔ 真的', en: 'Genuine' },
  SUPERSEDED: { cls: 'caution', zh: '⚠ 是真的，但已被取代', en: 'Genuine, but superseded' },
  NOT_IN_FORCE: { cls: 'caution', zh: '⚠ 是真的，但不在有效期内', en: 'Genuine, but not in force' },
  UNREADABLE: { cls: 'refused', zh: '✘ 无法读取', en: 'Cannot be read' },
};
const NOT_GENUINE = { cls: 'refused', zh: '✘ 不是真的', en: 'Not genuine' };
const CANNOT_CHECK = { cls: 'unknown', zh: '？无法核验', en: 'Cannot check' };

function fact(list: HTMLElement, zh: string, en: string, value: string): void {
  const dt = document.createElement('dt');
  dt.textContent = `${zh} ${en}`;
  const dd = document.createElement('dd');
  dd.textContent = value;
  list.append(dt, dd);
}

function setVerdict(look: { cls: string; zh: string; en: string }, reason: string, messageZh: string, message: string): void {
  verdictBox.className = `verdict ${look.cls}`;
  verdictBox.dataset.reason = reason;
  byId('verdict-word-zh').textContent = look.zh;
  byId('verdict-word-en').textContent = look.en;
  byId('verdict-zh').textContent = messageZh;
  byId('verdict-en').textContent = message;
  byId('verdict-note').hidden = true;
  byId('verdict-facts').replaceChildren();
  byId('verdict-document').hidden = true;
  verdictBox.hidden = false;
}

function showCheck(check: Check): void {
  const { verdict, document: doc } = check;
  setVerdict(LOOKS[verdict.reason] ?? NOT_GENUINE, verdict.reason, verdict.messageZh, verdict.message);
  const note = byId('verdict-note');
  if (check.note) {
    note.textContent = `${check.note.messageZh} ${check.note.message}`;
    note.hidden = false;
  }
  const facts = byId('verdict-facts');
  if (verdict.genuine && doc) {
    const p = doc.payload;
    fact(facts, '社区', 'Community', verdict.communityName ?? p.community);
    fact(facts, '发布时间', 'Published', `${shanghaiTime(p.publishedAt)}（上海时间 Shanghai time）`);
    fact(facts, '发布者', 'Published by', p.publishedBy);
    if (p.type === NOTICE_TYPE) {
      fact(facts, '有效期', 'Valid', `${shanghaiTime(p.validFrom)} – ${p.validUntil ? shanghaiTime(p.validUntil) : '长期 open'}`);
      if (p.supersedes) fact(facts, '取代', 'Replaces', p.supersedes);
    }
    if (verdict.supersededBy) fact(facts, '已被取代', 'Superseded by', `${verdict.supersededBy.id}（${shanghaiTime(verdict.supersededBy.publishedAt)}）`);
    fact(facts, '编号', 'ID', p.id);
    byId('document-title').textContent = p.title;
    byId('document-body').textContent = p.body;
    byId('verdict-document').hidden = false;
  } else if (doc) {
    fact(facts, '编号', 'ID', doc.payload.id);
  }
  fact(facts, '结论代码', 'Reason', verdict.reason);
}

function showCannotCheck(error: unknown): void {
  const why = error instanceof CannotCheck ? error : new CannotCheck(String(error), String(error));
  setVerdict(CANNOT_CHECK, 'CANNOT_CHECK', `无法核验：${why.messageZh}。`, `Cannot check: ${why.message}.`);
}

async function run(input: string): Promise<void> {
  button.disabled = true;
  status.textContent = '正在核验… Checking…';
  try {
    const [verify, keys] = await Promise.all([ed25519, loadKeys()]);
    showCheck(await checkText(input, { keys, ed25519: verify, lookup: hubLookup('') }));
  } catch (error) {
    showCannotCheck(error);
  } finally {
    button.disabled = false;
    status.textContent = '';
  }
}

button.addEventListener('click', () => {
  if (text.value.trim() === '') {
    text.focus();
    return;
  }
  void run(text.value);
});

const fromQrCode = () => {
  if (new URLSearchParams(location.hash.slice(1)).has('id')) void run(location.href);
};
window.addEventListener('hashchange', fromQrCode);
button.disabled = false;
status.textContent = '';
fromQrCode();
