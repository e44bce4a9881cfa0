import { EventEmitter } from 'node:events';
import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import { isCommunityCode, type PublishedKey } from '@lilong/schema';

export type DirectoryStatus = 'active' | 'suspended';

/** One community in the sub-district's directory. */
export interface CommunityEntry {
  code: string;
  /** Chinese name, e.g. 新华一居委. */
  name: string;
  nameEn?: string;
  /** Base URL of the community's node, e.g. `http://10.0.3.7:4100`. */
  url: string;
  /**
   * The public keys the community's node signs notices and digests with (Ed25519 JWKs), each with its validity and,
   * once it must no longer be trusted, when it was revoked. Several during a rotation: the old one stays listed,
   * with `validUntil`, so what it signed stays genuine.
   */
  noticeKeys: PublishedKey[];
  /** Communities it may borrow volunteers from. */
  neighbours: string[];
  /** `suspended` keeps the entry listed but sends it nothing. */
  status: DirectoryStatus;
}

export class DirectoryError extends Error {}

/** Validates a directory document; throws with every problem listed. */
export function parseDirectory(text: string, source = 'directory'): CommunityEntry[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new DirectoryError(`${source}: not valid JSON (${(error as Error).message})`);
  }
  const list = (doc as { communities?: unknown })?.communities;
  if (!Array.isArray(list)) throw new DirectoryError(`${source}: expected { "communities": [...] }`);
  const problems: string[] = [];
  const seen = new Set<string>();
  const entries: CommunityEntry[] = list.map((raw: Record<string, unknown>, i) => {
    const at = `${source}: communities[${i}]`;
    const code = raw?.code;
    if (!isCommunityCode(code)) problems.push(`${at}.code must match [a-z][a-z0-9-]{1,31}, got ${JSON.stringify(code)}`);
    else if (seen.has(code)) problems.push(`${at}.code "${code}" appears twice`);
    else seen.add(code);
    if (typeof raw?.name !== 'string' || raw.name === '') problems.push(`${at}.name is required`);
    let url = '';
    try {
      const parsed = new URL(String(raw?.url));
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error();
      url = parsed.toString().replace(/\/$/, '');
    } catch {
      problems.push(`${at}.url must be an http(s) URL, got ${JSON.stringify(raw?.url)}`);
    }
    const status = raw?.status ?? 'active';
    if (status !== 'active' && status !== 'suspended') problems.push(`${at}.status must be "active" or "suspended"`);
    const neighbours = raw?.neighbours ?? [];
    if (!Array.isArray(neighbours) || !neighbours.every(isCommunityCode)) problems.push(`${at}.neighbours must be community codes`);
    return {
      code: String(code),
      name: String(raw?.name),
      nameEn: typeof raw?.nameEn === 'string' ? raw.nameEn : undefined,
      url,
      noticeKeys: parseNoticeKeys(raw?.noticeKeys, `${at}.noticeKeys`, problems),
      neighbours: Array.isArray(neighbours) ? (neighbours as string[]) : [],
      status: status as DirectoryStatus,
    };
  });
  for (const e of entries) {
    for (const n of e.neighbours) if (!seen.has(n)) problems.push(`${source}: ${e.code}.neighbours names unknown community "${n}"`);
  }
  if (problems.length > 0) throw new DirectoryError(problems.join('\n'));
  return entries;
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

function parseNoticeKeys(raw: unknown, at: string, problems: string[]): PublishedKey[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    problems.push(`${at} must be a list of keys`);
    return [];
  }
  const keys: PublishedKey[] = [];
  raw.forEach((k: Record<string, unknown> | null, i) => {
    const here = `${at}[${i}]`;
    const jwk = k?.jwk as Record<string, unknown> | undefined;
    const instant = (name: string, required: boolean): string | null => {
      const v = k?.[name];
      if (v === undefined || v === null) {
        if (required) problems.push(`${here}.${name} is required (an ISO 8601 instant)`);
        return null;
      }
      if (typeof v !== 'string' || !ISO_INSTANT.test(v) || Number.isNaN(Date.parse(v))) {
        problems.push(`${here}.${name} must be an ISO 8601 instant, got ${JSON.stringify(v)}`);
        return null;
      }
      return v;
    };
    if (typeof k?.kid !== 'string' || k.kid === '') problems.push(`${here}.kid is required`);
    if (!jwk || jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(jwk.x)) {
      problems.push(`${here}.jwk must be an Ed25519 public JWK { kty: "OKP", crv: "Ed25519", x }`);
    }
    const validFrom = instant('validFrom', true);
    const validUntil = instant('validUntil', false);
    const revokedAt = instant('revokedAt', false);
    if (typeof k?.kid === 'string' && jwk && typeof jwk.x === 'string' && validFrom) {
      keys.push({ kid: k.kid, jwk: { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, validFrom, validUntil, revokedAt });
    }
  });
  return keys;
}

/**
 * The directory of communities: data, not code. Read from a JSON file and re-read when the file changes, so
 * adding a community needs no recomposition and no restart. A broken edit is refused and the last good
 * directory stays in force.
 */
export class Directory extends EventEmitter {
  private entries: CommunityEntry[] = [];
  private byCode = new Map<string, CommunityEntry>();
  /** The file's text as last taken (fromFile, reload): an unchanged file is not taken again. */
  private lastText: string | undefined;

  constructor(entries: CommunityEntry[] = []) {
    super();
    this.replace(entries);
  }

  static fromFile(path: string): Directory {
    const text = readFileSync(path, 'utf8');
    const directory = new Directory(parseDirectory(text, path));
    directory.lastText = text;
    return directory;
  }

  list(): readonly CommunityEntry[] {
    return this.entries;
  }

  /**
   * Communities a fan-out goes to: every one that is not suspended, by community code. Sorted merges break ties by
   * this order, which is what lets a node continue a paged search after a cursor on its own.
   */
  fanoutTargets(): string[] {
    return this.list()
      .filter((c) => c.status !== 'suspended')
      .map((c) => c.code)
      .sort();
  }

  get(code: string): CommunityEntry | undefined {
    return this.byCode.get(code);
  }

  replace(entries: CommunityEntry[]): void {
    this.entries = entries;
    this.byCode = new Map(entries.map((e) => [e.code, e]));
    this.emit('change', entries);
  }

  /**
   * Reads `path` again now (the hub does on SIGHUP, as daemons re-read their configuration), and takes it when it
   * parses and differs from what was last read; a file that does not parse is refused and the last good one kept.
   */
  reload(path: string, onError: (error: Error) => void): void {
    try {
      const text = readFileSync(path, 'utf8');
      if (text === this.lastText) return;
      this.replace(parseDirectory(text, path));
      this.lastText = text;
    } catch (error) {
      onError(error as Error);
    }
  }

  /** Re-reads `path` whenever it changes (polling, so it also works on network and container file systems). */
  watch(path: string, onError: (error: Error) => void, intervalMs = 1000): () => void {
    const listener = () => this.reload(path, onError);
    watchFile(path, { interval: intervalMs, persistent: false }, listener);
    return () => unwatchFile(path, listener);
  }
}
