/**
 * Signed documents: a residents' committee's notices (居委通知) and an information officer's digests (信息简报),
 * which anyone can check without trusting the hub, given the community's public key.
 *
 * The format (`lilong-signed/1`), in one place for every party: the node that signs, the hub that gives its verdict,
 * the verifier page (this file is served to the browser as it is, compiled) and `npm run verify-notice`.
 *
 * - The signed bytes are the UTF-8 of the payload's canonical JSON, RFC 8785 (JSON Canonicalization Scheme: keys
 *   sorted by UTF-16 code units, no whitespace, ECMAScript number and string forms), from the `canonicalize`
 *   package. The payload names its own `type` (`lilong.notice/1`, `lilong.digest/1`), so a signature over one kind
 *   of document is never valid as another.
 * - The signature is Ed25519 (RFC 8032) by the community's notice key, base64url without padding; `kid` is the
 *   key's RFC 7638 JWK thumbprint.
 * - The directory publishes each community's keys with their validity (`validFrom`, `validUntil`) and, for a key
 *   that must no longer be trusted, `revokedAt`: every document signed with a revoked key is refused, whatever date
 *   it claims, since whoever holds the key can claim any date.
 * - A document is never edited: a correction is a new notice whose payload names the one it `supersedes`.
 *
 * Text forms: the document is shared as its JSON (`encodeSignedDocument`, possibly inside other text: the first `{`
 * to the last `}` is read); the QR code on a printed notice carries a link to the hub's verifier with the ID, key ID
 * and signature (`verifierLink`), which the verifier completes by fetching the document under that ID.
 *
 * Nothing here may import Node built-ins: the browser runs this file too. Ed25519 itself is passed in
 * (`Ed25519Verify`): Node's crypto in the hub and the command, WebCrypto in the page.
 */
import canonicalize from 'canonicalize';

export const SIGNED_FORMAT = 'lilong-signed/1' as const;
export const NOTICE_TYPE = 'lilong.notice/1' as const;
export const DIGEST_TYPE = 'lilong.digest/1' as const;
export type SignedType = typeof NOTICE_TYPE | typeof DIGEST_TYPE;

/** What every signed payload carries; the rest is the document's own. */
export interface SignedPayloadBase {
  type: SignedType;
  /** Global ID, e.g. `xinhua-1:Notice:3`. */
  id: string;
  community: string;
  /** ISO 8601 instant the node signed it. */
  publishedAt: string;
  /** Who published it, by role, never by name: e.g. "居委会 Residents' committee". */
  publishedBy: string;
  title: string;
  body: string;
}

export interface NoticeScope {
  /** The whole community, or only `compounds`. */
  wholeCommunity: boolean;
  compounds: { id: string; name: string }[];
}

export interface NoticePayload extends SignedPayloadBase {
  type: typeof NOTICE_TYPE;
  category: string;
  scope: NoticeScope;
  validFrom: string;
  validUntil: string | null;
  /** The notice this one replaces, or null. */
  supersedes: string | null;
}

export interface DigestItemPayload {
  kind: string;
  text: string;
  /** The record the item is about (a global ID), or null. */
  ref: string | null;
}

export interface DigestPayload extends SignedPayloadBase {
  type: typeof DIGEST_TYPE;
  periodFrom: string;
  periodTo: string;
  items: DigestItemPayload[];
}

export type SignedPayload = NoticePayload | DigestPayload;

export interface SignedDocument<P extends SignedPayload = SignedPayload> {
  format: typeof SIGNED_FORMAT;
  payload: P;
  /** The signing key's ID (RFC 7638 thumbprint). */
  kid: string;
  /** Ed25519 signature of `canonicalBytes(payload)`, base64url. */
  sig: string;
}

/** A public notice key as the directory publishes it. */
export interface PublishedKey {
  kid: string;
  /** The public key as a JWK: `{ kty: "OKP", crv: "Ed25519", x }`. */
  jwk: { kty: 'OKP'; crv: 'Ed25519'; x: string };
  /** ISO instant from which documents it signs are accepted. */
  validFrom: string;
  /** ISO instant after which it signs nothing more (documents signed before stay genuine); null: open. */
  validUntil: string | null;
  /** ISO instant it was revoked: nothing it signed is genuine any more. */
  revokedAt: string | null;
}

export interface CommunityKeys {
  code: string;
  name: string;
  nameEn?: string;
  noticeKeys: PublishedKey[];
}

/** The key set the hub publishes (`/notice-keys.json`) and `verify-notice --keys` reads. */
export interface KeyDirectory {
  format: 'lilong-notice-keys/1';
  communities: CommunityKeys[];
}

export type Ed25519Verify = (jwk: PublishedKey['jwk'], data: Uint8Array, signature: Uint8Array) => Promise<boolean>;

/** The payload's RFC 8785 canonical JSON. */
export function canonicalForm(payload: SignedPayload): string {
  const text = canonicalize(payload);
  if (text === undefined) throw new Error('payload cannot be canonicalised');
  return text;
}

export function canonicalBytes(payload: SignedPayload): Uint8Array {
  return new TextEncoder().encode(canonicalForm(payload));
}

/** The document as text to share or paste (pretty JSON; the signature covers the canonical form, not this text). */
export function encodeSignedDocument(doc: SignedDocument): string {
  return JSON.stringify({ format: doc.format, kid: doc.kid, sig: doc.sig, payload: doc.payload }, null, 2);
}

export function base64urlEncode(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function base64urlDecode(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return undefined;
  try {
    const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4));
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  } catch {
    return undefined;
  }
}

/** The verifier page's address for a document, as the QR code of a printed notice carries it. */
export function verifierLink(hubBaseUrl: string, doc: Pick<SignedDocument, 'kid' | 'sig'> & { payload: { id: string } }): string {
  const params = new URLSearchParams({ id: doc.payload.id, kid: doc.kid, sig: doc.sig });
  return `${hubBaseUrl.replace(/\/$/, '')}/verify#${params.toString()}`;
}

/** What a person gave the verifier: a whole document, or a reference to one (a QR code's link). */
export type VerifierInput =
  | { kind: 'document'; doc: SignedDocument }
  | { kind: 'reference'; id: string; kid: string; sig: string }
  | { kind: 'unreadable'; problem: string; problemZh: string };

const ID_PATTERN = /^[a-z][a-z0-9-]{1,31}:(Notice|Digest):[1-9][0-9]{0,15}$/;

/** Reads pasted text (a document, possibly inside a forwarded message) or a QR code's content. */
export function readVerifierInput(text: string): VerifierInput {
  const trimmed = text.trim();
  if (trimmed.length > 200_000) return { kind: 'unreadable', problem: 'the text is too long for a notice', problemZh: '文本过长，不是一份通知' };
  const hash = trimmed.indexOf('#');
  if (!trimmed.includes('{') && hash >= 0) {
    const params = new URLSearchParams(trimmed.slice(hash + 1));
    const id = params.get('id') ?? '';
    const kid = params.get('kid') ?? '';
    const sig = params.get('sig') ?? '';
    if (ID_PATTERN.test(id) && kid && sig) return { kind: 'reference', id, kid, sig };
    return { kind: 'unreadable', problem: 'the link names no notice (it needs id, kid and sig)', problemZh: '链接中没有通知编号和签名' };
  }
  const start = trimmed.indexOf('{');
  const end = trimmed.lastIndexOf('}');
  if (start < 0 || end < start) return { kind: 'unreadable', problem: 'no signed notice found in the text', problemZh: '文本中没有找到带签名的通知' };
  let raw: unknown;
  try {
    raw = JSON.parse(trimmed.slice(start, end + 1));
  } catch {
    return { kind: 'unreadable', problem: 'the notice text is damaged (not valid JSON)', problemZh: '通知文本已损坏（不是有效的 JSON）' };
  }
  const doc = raw as Partial<SignedDocument> | null;
  const payload = doc?.payload as Partial<SignedPayload> | undefined;
  if (
    !doc ||
    doc.format !== SIGNED_FORMAT ||
    typeof doc.kid !== 'string' ||
    typeof doc.sig !== 'string' ||
    !payload ||
    typeof payload !== 'object' ||
    (payload.type !== NOTICE_TYPE && payload.type !== DIGEST_TYPE) ||
    typeof payload.id !== 'string' ||
    typeof payload.community !== 'string' ||
    typeof payload.publishedAt !== 'string'
  ) {
    return { kind: 'unreadable', problem: `not a ${SIGNED_FORMAT} document (format, kid, sig and payload with type, id, community, publishedAt)`, problemZh: '不是里弄签名文件（缺少格式、密钥编号、签名或内容）' };
  }
  if (!ID_PATTERN.test(payload.id) || payload.id.split(':')[0] !== payload.community) {
    return { kind: 'unreadable', problem: `the document's id "${payload.id}" is not an ID of community "${payload.community}"`, problemZh: '文件编号与所属社区不符' };
  }
  return { kind: 'document', doc: doc as SignedDocument };
}

export type VerdictReason =
  /** Signed by the community's key, in force. */
  | 'GENUINE'
  /** Genuine, but a later notice of the same community replaces it. */
  | 'SUPERSEDED'
  /** Genuine, but its validity has ended (`validUntil`) or not begun. */
  | 'NOT_IN_FORCE'
  | 'UNREADABLE'
  | 'UNKNOWN_COMMUNITY'
  /** No key of the community has this ID. */
  | 'UNKNOWN_KEY'
  /** The key belongs to another community. */
  | 'KEY_OF_ANOTHER_COMMUNITY'
  | 'REVOKED_KEY'
  /** The key was not valid when the document says it was published. */
  | 'KEY_NOT_VALID_THEN'
  /** The signature does not match the text: changed, or never signed by that key. */
  | 'BAD_SIGNATURE'
  /** A QR code's signature differs from that of the document published under its ID. */
  | 'SIGNATURE_MISMATCH'
  /** A QR code names a document nobody can find. */
  | 'NOT_FOUND';

export interface Verdict {
  /** Signed by a valid, unrevoked key of the community it names, and unchanged since. */
  genuine: boolean;
  /** Genuine, in its validity period, and not superseded: the one to follow. */
  inForce: boolean;
  reason: VerdictReason;
  message: string;
  messageZh: string;
  community?: string;
  communityName?: string;
  publishedAt?: string;
  kid?: string;
  supersededBy?: { id: string; publishedAt: string };
}

/** `2026-12-02T06:05:00Z` → `2026-12-02 14:05` (Shanghai time, UTC+8, no daylight saving). */
export function shanghaiTime(iso: string): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  return new Date(t + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
}

function refused(reason: VerdictReason, message: string, messageZh: string, extra: Partial<Verdict> = {}): Verdict {
  return { genuine: false, inForce: false, reason, message, messageZh, ...extra };
}

export interface VerifyOptions {
  keys: KeyDirectory;
  ed25519: Ed25519Verify;
  /** @default now */
  now?: Date;
  /** A document that names this one in `supersedes`, if the checker knows one; it is verified in turn. */
  supersededBy?: SignedDocument | null;
}

/**
 * The verdict on a document: who published it and when, or why it is not genuine. Checks, in order: the community is
 * in the key directory; the key is the community's (not another's), not revoked, and was valid at publication; the
 * signature matches the canonical payload; then whether it is in force (validity, supersession by a genuine notice).
 */
export async function verifySignedDocument(doc: SignedDocument, options: VerifyOptions): Promise<Verdict> {
  const payload = doc.payload;
  const now = options.now ?? new Date();
  const community = options.keys.communities.find((c) => c.code === payload.community);
  const what = payload.type === DIGEST_TYPE ? { en: 'digest', zh: '简报' } : { en: 'notice', zh: '通知' };
  if (!community) {
    return refused('UNKNOWN_COMMUNITY', `Not genuine: no community "${payload.community}" is in the sub-district's directory.`, `不是真的：街道名录中没有社区“${payload.community}”。`, {
      community: payload.community,
    });
  }
  const about = { community: community.code, communityName: community.name, kid: doc.kid, publishedAt: payload.publishedAt };
  const key = community.noticeKeys.find((k) => k.kid === doc.kid);
  if (!key) {
    const owner = options.keys.communities.find((c) => c.noticeKeys.some((k) => k.kid === doc.kid));
    if (owner) {
      return refused('KEY_OF_ANOTHER_COMMUNITY', `Not genuine: it claims to be from ${community.name}, but is signed with the key of ${owner.name}.`, `不是真的：自称来自${community.name}，却是用${owner.name}的密钥签名的。`, about);
    }
    return refused('UNKNOWN_KEY', `Not genuine: signed with a key ${community.name} does not have (${doc.kid.slice(0, 12)}…).`, `不是真的：签名所用的密钥不属于${community.name}（${doc.kid.slice(0, 12)}…）。`, about);
  }
  if (key.revokedAt !== null && Date.parse(key.revokedAt) <= now.getTime()) {
    return refused('REVOKED_KEY', `Not genuine: signed with a key ${community.name} revoked at ${shanghaiTime(key.revokedAt)}; nothing it signed can be trusted.`, `不是真的：所用密钥已于 ${shanghaiTime(key.revokedAt)} 被${community.name}吊销，它签的任何文件都不可信。`, about);
  }
  const published = Date.parse(payload.publishedAt);
  if (Number.isNaN(published) || published < Date.parse(key.validFrom) || (key.validUntil !== null && published > Date.parse(key.validUntil))) {
    return refused('KEY_NOT_VALID_THEN', `Not genuine: the key was not in use at ${shanghaiTime(payload.publishedAt)}, when the ${what.en} says it was published.`, `不是真的：${what.zh}所称的发布时间 ${shanghaiTime(payload.publishedAt)}，该密钥并未启用。`, about);
  }
  const signature = base64urlDecode(doc.sig);
  let good = false;
  if (signature && signature.length === 64) {
    try {
      good = await options.ed25519(key.jwk, canonicalBytes(payload), signature);
    } catch {
      good = false;
    }
  }
  if (!good) {
    return refused('BAD_SIGNATURE', `Not genuine: the signature does not match the text; it was changed after ${community.name} signed it, or never signed by it.`, `不是真的：签名与内容不符，内容在${community.name}签发后被改动过，或根本不是它签发的。`, about);
  }
  const at = shanghaiTime(payload.publishedAt);
  const later = options.supersededBy;
  if (
    later &&
    later.payload.type === NOTICE_TYPE &&
    later.payload.supersedes === payload.id &&
    later.payload.community === payload.community &&
    Date.parse(later.payload.publishedAt) >= published
  ) {
    const check = await verifySignedDocument(later, { ...options, supersededBy: null });
    if (check.genuine) {
      const by = { id: later.payload.id, publishedAt: later.payload.publishedAt };
      return {
        genuine: true,
        inForce: false,
        reason: 'SUPERSEDED',
        message: `Genuine, published by ${community.name} at ${at}, but superseded by notice ${by.id} at ${shanghaiTime(by.publishedAt)}: follow that one.`,
        messageZh: `是真的，由${community.name}于 ${at} 发布，但已被 ${shanghaiTime(by.publishedAt)} 发布的通知 ${by.id} 取代，请以新通知为准。`,
        ...about,
        supersededBy: by,
      };
    }
  }
  if (payload.type === NOTICE_TYPE) {
    const from = Date.parse(payload.validFrom);
    const until = payload.validUntil === null ? Infinity : Date.parse(payload.validUntil);
    // A validity that cannot be read is never in force (fail closed).
    if (Number.isNaN(from) || Number.isNaN(until) || now.getTime() < from || now.getTime() > until) {
      const when = Number.isNaN(from) || Number.isNaN(until) ? { en: 'for a period that cannot be read', zh: '有效期无法识别' } : now.getTime() < from ? { en: `from ${shanghaiTime(payload.validFrom)}`, zh: `自 ${shanghaiTime(payload.validFrom)} 起生效` } : { en: `until ${shanghaiTime(payload.validUntil!)}`, zh: `有效期至 ${shanghaiTime(payload.validUntil!)}` };
      return {
        genuine: true,
        inForce: false,
        reason: 'NOT_IN_FORCE',
        message: `Genuine, published by ${community.name} at ${at}, but it is valid only ${when.en}.`,
        messageZh: `是真的，由${community.name}于 ${at} 发布，但${when.zh}，现在不适用。`,
        ...about,
      };
    }
  }
  return {
    genuine: true,
    inForce: true,
    reason: 'GENUINE',
    message: `Genuine: published by ${community.name} at ${at}.`,
    messageZh: `是真的：由${community.name}于 ${at} 发布。`,
    ...about,
  };
}
