import { readFileSync } from 'node:fs';
import { nodeEd25519 } from '@lilong/kit/src/ed25519';
// The two pure modules alone, not the schema's or the gateway's index: this command must not load GraphQL, the ORM
// or any subgraph, and must give the same verdict as the hub and the page (same code).
import { readVerifierInput, shanghaiTime, type KeyDirectory, type SignedDocument, type Verdict } from '@lilong/schema/src/signed';
import { CannotCheck, checkText, hubLookup, NOT_CHECKED_OFFLINE, type Check } from '@lilong/gateway/src/verifier/check';

export const VERIFY_NOTICE_HELP = `npm run verify-notice -- [<file> | --text <text>] (--keys <notice-keys.json> | --hub <url>) [options]

Checks a residents' committee notice or an information digest: who published it, when, and whether it was changed.
核验居委通知或信息简报：由谁、何时发布，内容是否被改动过。

What to check (one of; default: read standard input):
  <file>                  the notice as text (its JSON, possibly inside a forwarded message), or a QR code's link
  --text <text>           the same, given on the command line

Keys (at least one):
  --keys <file>           a saved copy of the hub's /notice-keys.json: fully offline
  --hub <url>             the hub, e.g. http://localhost:4000: its /notice-keys.json (unless --keys is given), and the
                          document a QR code's link names, and whether a later notice supersedes this one
                          (with --keys and --hub, the keys come from the file and only documents from the hub)

Options:
  --superseded-by <file>  a later notice that replaces this one (offline, whether one exists cannot be known)
  --json                  print the verdict as JSON (the Verdict object, with "supersession": checked | unknown | not-applicable)
  -h, --help              this text

Exit code: 0 genuine and in force; 1 not genuine, unreadable, or cannot be checked; 2 genuine but superseded or not
in force; 64 usage error.`;

interface Arguments {
  file?: string;
  text?: string;
  keys?: string;
  hub?: string;
  supersededBy?: string;
  json: boolean;
  help: boolean;
}

class UsageError extends Error {}

export function parseVerifyArgs(args: string[]): Arguments {
  const out: Arguments = { json: false, help: false };
  const value = (i: number, flag: string): string => {
    const v = args[i + 1];
    if (v === undefined || (v.startsWith('--') && flag !== '--text')) throw new UsageError(`${flag} needs a value`);
    return v;
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--help' || arg === '-h') out.help = true;
    else if (arg === '--json') out.json = true;
    else if (arg === '--text') out.text = value(i++, arg);
    else if (arg === '--keys') out.keys = value(i++, arg);
    else if (arg === '--hub') out.hub = value(i++, arg);
    else if (arg === '--superseded-by') out.supersededBy = value(i++, arg);
    else if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown option ${arg}`);
    else if (out.file !== undefined) throw new UsageError(`one notice at a time (got ${out.file} and ${arg})`);
    else out.file = arg;
  }
  if (out.help) return out;
  if (out.file !== undefined && out.text !== undefined) throw new UsageError('give a file or --text, not both');
  if (!out.keys && !out.hub) throw new UsageError('say where the keys come from: --keys <notice-keys.json> (offline) or --hub <url>');
  if (out.hub && !/^https?:\/\/[^/\s]+/.test(out.hub)) throw new UsageError(`--hub must be an http(s) URL, got ${out.hub}`);
  return out;
}

/** Node's Ed25519 (the same check as WebCrypto's in the page). */

/** Runs the command; resolves with its exit code. `out`/`err` are for the verdict and for problems. */
export async function verifyNotice(args: string[], out: (line: string) => void = console.log, err: (line: string) => void = console.error): Promise<number> {
  let options: Arguments;
  try {
    options = parseVerifyArgs(args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    err(`verify-notice: ${error.message}\n\n${VERIFY_NOTICE_HELP}`);
    return 64;
  }
  if (options.help) {
    out(VERIFY_NOTICE_HELP);
    return 0;
  }
  let text: string;
  let keys: KeyDirectory | undefined;
  let supersededBy: SignedDocument | undefined;
  try {
    text = options.text ?? (await readInput(options.file));
    if (options.keys) keys = parseKeyDirectory(readFileSync(options.keys, 'utf8'), options.keys);
    if (options.supersededBy) {
      const later = readVerifierInput(readFileSync(options.supersededBy, 'utf8'));
      if (later.kind !== 'document') throw new UsageError(`--superseded-by ${options.supersededBy}: ${later.kind === 'unreadable' ? later.problem : 'a whole notice is needed, not a link'}`);
      supersededBy = later.doc;
    }
  } catch (error) {
    err(`verify-notice: ${(error as Error).message}`);
    return 64;
  }
  try {
    keys ??= await fetchKeys(options.hub!);
    const check = await checkText(text, { keys, ed25519: nodeEd25519, lookup: options.hub ? hubLookup(options.hub) : undefined, supersededBy });
    if (options.json) out(JSON.stringify({ ...check.verdict, supersession: check.supersession }, null, 2));
    else out(describe(check, !options.hub));
    return exitCodeOf(check.verdict);
  } catch (error) {
    if (!(error instanceof CannotCheck)) throw error;
    if (options.json) out(JSON.stringify({ cannotCheck: true, message: `Cannot check: ${error.message}.`, messageZh: `无法核验：${error.messageZh}。` }, null, 2));
    else out(`？无法核验 Cannot check\n无法核验：${error.messageZh}。\nCannot check: ${error.message}.`);
    return 1;
  }
}

export const exitCodeOf = (verdict: Verdict): number => (!verdict.genuine ? 1 : verdict.inForce ? 0 : 2);

function describe(check: Check, offline: boolean): string {
  const { verdict, document: doc } = check;
  const word = verdict.genuine
    ? verdict.inForce
      ? '✔ 真的 Genuine'
      : verdict.reason === 'SUPERSEDED'
        ? '⚠ 是真的，但已被取代 Genuine, but superseded'
        : '⚠ 是真的，但不在有效期内 Genuine, but not in force'
    : verdict.reason === 'UNREADABLE'
      ? '✘ 无法读取 Cannot be read'
      : '✘ 不是真的 Not genuine';
  const lines = [word, verdict.messageZh, verdict.message];
  if (check.note) {
    const hint = check.note === NOT_CHECKED_OFFLINE && offline ? ' (--superseded-by <file> or --hub <url> to check)' : '';
    lines.push('', `${check.note.messageZh}`, `${check.note.message}${hint}`);
  }
  lines.push('', `  原因 reason: ${verdict.reason}`);
  if (doc) {
    const p = doc.payload;
    lines.push(`  编号 ID: ${p.id}`);
    if (verdict.genuine) {
      lines.push(`  社区 community: ${verdict.communityName ?? p.community}`, `  发布 published: ${shanghaiTime(p.publishedAt)} (上海时间 Shanghai time), ${p.publishedBy}`);
      if (verdict.supersededBy) lines.push(`  已被取代 superseded by: ${verdict.supersededBy.id} (${shanghaiTime(verdict.supersededBy.publishedAt)})`);
      lines.push(`  标题 title: ${p.title}`, '', ...p.body.split('\n').map((l) => `  ${l}`));
    }
  }
  return lines.join('\n');
}

async function readInput(file: string | undefined): Promise<string> {
  if (file !== undefined && file !== '-') return readFileSync(file, 'utf8');
  if (process.stdin.isTTY) throw new UsageError('paste the notice on standard input, or give a file or --text (--help)');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseKeyDirectory(text: string, source: string): KeyDirectory {
  let raw: Partial<KeyDirectory> | null;
  try {
    raw = JSON.parse(text) as Partial<KeyDirectory> | null;
  } catch {
    throw new UsageError(`${source} is not JSON (a saved /notice-keys.json is needed)`);
  }
  if (raw?.format !== 'lilong-notice-keys/1' || !Array.isArray(raw.communities) || !raw.communities.every((c) => typeof c?.code === 'string' && Array.isArray(c.noticeKeys))) {
    throw new UsageError(`${source} is not a lilong-notice-keys/1 key directory (save the hub's /notice-keys.json)`);
  }
  return raw as KeyDirectory;
}

async function fetchKeys(hub: string): Promise<KeyDirectory> {
  const url = `${hub.replace(/\/$/, '')}/notice-keys.json`;
  let text: string;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    if (!response.ok) throw new Error(String(response.status));
    text = await response.text();
  } catch {
    throw new CannotCheck(`the keys could not be fetched from ${url}`, `无法从 ${url} 取得公钥`);
  }
  try {
    return parseKeyDirectory(text, url);
  } catch (error) {
    throw new CannotCheck((error as Error).message, `${url} 不是公钥目录`);
  }
}
