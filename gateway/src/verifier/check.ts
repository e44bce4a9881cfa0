/**
 * The verifier's steps, the same in the page (this file is served to the browser compiled, like signed.ts) and in
 * `npm run verify-notice`: read what the person gave, fetch the document a QR code's link names, make sure it is the
 * one published under that ID, look for a notice that supersedes it, and let signed.ts give the verdict.
 *
 * The hub is asked through its public GraphQL API and trusted for nothing: a document it returns is verified like a
 * pasted one, and a superseding notice it names counts only when that notice is genuine and names this one.
 *
 * Nothing here may import Node built-ins or anything but signed.ts: the browser runs this file too.
 */
import {
  DIGEST_TYPE,
  readVerifierInput,
  verifySignedDocument,
  type Ed25519Verify,
  type KeyDirectory,
  type SignedDocument,
  type Verdict,
  type VerifierInput,
} from '@lilong/schema/src/signed';

/** What the hub has under an ID: the document and, for a notice, the later notice that supersedes it. */
export interface Published {
  document: SignedDocument | null;
  supersededBy: SignedDocument | null;
}

/** Asks the hub what is published under an ID; rejects with `CannotCheck` when it cannot tell. */
export type Lookup = (id: string) => Promise<Published>;

/** No verdict can be given at all (the hub unreachable, no Ed25519 in the browser): never read as genuine. */
export class CannotCheck extends Error {
  constructor(message: string, readonly messageZh: string) {
    super(message);
    this.name = 'CannotCheck';
  }
}

export interface Bilingual {
  message: string;
  messageZh: string;
}

export interface Check {
  verdict: Verdict;
  /** The document the verdict is on: the pasted one, or the one the hub returned for a QR code's link. */
  document?: SignedDocument;
  /**
   * Whether a superseding notice was looked for: `checked` (at the hub, or the one given), `unknown` (say so next
   * to the verdict), `not-applicable` (a digest, or a document that is not genuine anyway).
   */
  supersession: 'checked' | 'unknown' | 'not-applicable';
  /** Why supersession is unknown. */
  note?: Bilingual;
}

export interface CheckOptions {
  keys: KeyDirectory;
  ed25519: Ed25519Verify;
  /** @default now */
  now?: Date;
  /** The hub's API; without it a QR code's link cannot be followed and supersession stays unknown. */
  lookup?: Lookup;
  /** A notice the person says supersedes this one (offline: `--superseded-by`); it is verified in turn. */
  supersededBy?: SignedDocument | null;
}

export const NOT_CHECKED_OFFLINE: Bilingual = {
  message: 'Whether a later notice supersedes it was not checked (offline).',
  messageZh: '未查询是否已有新通知取代它（离线核验）。',
};

/** The verdict on what a person pasted or scanned (see `readVerifierInput`). */
export async function checkText(text: string, options: CheckOptions): Promise<Check> {
  return checkInput(readVerifierInput(text), options);
}

export async function checkInput(input: VerifierInput, options: CheckOptions): Promise<Check> {
  if (input.kind === 'unreadable') return { verdict: unreadable(input.problem, input.problemZh), supersession: 'not-applicable' };
  if (input.kind === 'reference') return checkReference(input, options);
  const doc = input.doc;
  const alone = await verifySignedDocument(doc, { keys: options.keys, ed25519: options.ed25519, now: options.now, supersededBy: null });
  if (!alone.genuine || doc.payload.type === DIGEST_TYPE) return { verdict: alone, document: doc, supersession: 'not-applicable' };
  if (options.supersededBy) {
    const verdict = await verifySignedDocument(doc, { ...options, supersededBy: options.supersededBy });
    if (verdict.reason === 'SUPERSEDED') return { verdict, document: doc, supersession: 'checked' };
    if (!options.lookup) {
      const note = {
        message: `The notice given as superseding it does not (it must be genuine, of ${alone.communityName}, and name ${doc.payload.id} in "supersedes"); whether another one does was not checked.`,
        messageZh: `所给的新通知并未取代它（须是${alone.communityName}的真通知，并在 supersedes 中写明 ${doc.payload.id}）；未查询是否另有新通知取代它。`,
      };
      return { verdict, document: doc, supersession: 'unknown', note };
    }
  }
  if (!options.lookup) return { verdict: alone, document: doc, supersession: 'unknown', note: NOT_CHECKED_OFFLINE };
  let published: Published;
  try {
    published = await options.lookup(doc.payload.id);
  } catch (error) {
    const why = error instanceof CannotCheck ? error : new CannotCheck(String(error), String(error));
    return {
      verdict: alone,
      document: doc,
      supersession: 'unknown',
      note: { message: `Whether a later notice supersedes it could not be checked: ${why.message}.`, messageZh: `无法查询是否已有新通知取代它：${why.messageZh}。` },
    };
  }
  if (!published.document) {
    const note = {
      message: `The hub has no ${doc.payload.id}, so whether a later notice supersedes it is not known.`,
      messageZh: `街道枢纽上查不到 ${doc.payload.id}，无法得知是否已有新通知取代它。`,
    };
    return { verdict: alone, document: doc, supersession: 'unknown', note };
  }
  const verdict = await verifySignedDocument(doc, { ...options, supersededBy: published.supersededBy });
  return { verdict, document: doc, supersession: 'checked' };
}

/** A QR code's link: the document comes from the hub, and must be the very one the code was printed for. */
async function checkReference(ref: Extract<VerifierInput, { kind: 'reference' }>, options: CheckOptions): Promise<Check> {
  if (!options.lookup) {
    throw new CannotCheck(
      `a QR code's link names the ${kindOf(ref.id).en} ${ref.id} only; the hub is needed to fetch its text`,
      `二维码只含${kindOf(ref.id).zh}编号 ${ref.id}，需要连接街道枢纽取回原文`,
    );
  }
  const published = await options.lookup(ref.id);
  const doc = published.document;
  const what = kindOf(ref.id);
  if (!doc) {
    return {
      verdict: refused('NOT_FOUND', `Not genuine: no ${what.en} was published under ${ref.id}; the QR code names one the hub cannot find.`, `不是真的：没有以 ${ref.id} 发布的${what.zh}，二维码所指的${what.zh}查无此件。`),
      supersession: 'not-applicable',
    };
  }
  if (doc.payload.id !== ref.id || doc.kid !== ref.kid || doc.sig !== ref.sig) {
    return {
      verdict: refused(
        'SIGNATURE_MISMATCH',
        `Not genuine: the QR code does not belong to the ${what.en} published under ${ref.id} (its signature differs).`,
        `不是真的：二维码与以 ${ref.id} 发布的${what.zh}不符（签名不同）。`,
        { community: doc.payload.community, kid: ref.kid },
      ),
      document: doc,
      supersession: 'not-applicable',
    };
  }
  const verdict = await verifySignedDocument(doc, { ...options, supersededBy: published.supersededBy });
  return { verdict, document: doc, supersession: verdict.genuine && doc.payload.type !== DIGEST_TYPE ? 'checked' : 'not-applicable' };
}

const NOTICE_QUERY = 'query VerifyNotice($id: ID!) { notice(id: $id) { signedDocument supersededByDocument } }';
const DIGEST_QUERY = 'query VerifyDigest($id: ID!) { digest(id: $id) { signedDocument } }';

/**
 * A `Lookup` through the hub's GraphQL API at `hubUrl` ('' for the page's own origin). A community that cannot
 * answer, or a hub that cannot be reached, is `CannotCheck`; an ID the hub answers null for has no document.
 */
export function hubLookup(hubUrl: string, timeoutMs = 10_000): Lookup {
  const endpoint = `${hubUrl.replace(/\/$/, '')}/graphql`;
  return async (id) => {
    const digest = id.includes(':Digest:');
    let answer: { data?: Record<string, { signedDocument?: unknown; supersededByDocument?: unknown } | null> | null; errors?: { message?: string }[] };
    try {
      const response = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ query: digest ? DIGEST_QUERY : NOTICE_QUERY, variables: { id } }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      answer = await response.json();
    } catch {
      throw new CannotCheck(`the hub (${endpoint}) could not be reached`, `无法连接街道枢纽（${endpoint}）`);
    }
    const record = answer?.data?.[digest ? 'digest' : 'notice'];
    if (!record) {
      if (answer?.errors?.length) {
        const first = String(answer.errors[0]?.message ?? 'error');
        throw new CannotCheck(`the hub could not say what is published under ${id} (${first})`, `街道枢纽无法给出 ${id} 的原文（${first}）`);
      }
      return { document: null, supersededBy: null };
    }
    const document = documentOf(record.signedDocument);
    if (!document) throw new CannotCheck(`the hub's copy of ${id} is not a readable signed document`, `街道枢纽上 ${id} 的原文无法读取`);
    return { document, supersededBy: documentOf(record.supersededByDocument) };
  };
}

function documentOf(text: unknown): SignedDocument | null {
  if (typeof text !== 'string') return null;
  const input = readVerifierInput(text);
  return input.kind === 'document' ? input.doc : null;
}

function unreadable(problem: string, problemZh: string): Verdict {
  return refused('UNREADABLE', `Cannot be checked: ${problem}.`, `无法核验：${problemZh}。`);
}

function refused(reason: Verdict['reason'], message: string, messageZh: string, extra: Partial<Verdict> = {}): Verdict {
  return { genuine: false, inForce: false, reason, message, messageZh, ...extra };
}

function kindOf(id: string): { en: string; zh: string } {
  return id.includes(':Digest:') ? { en: 'digest', zh: '简报' } : { en: 'notice', zh: '通知' };
}
