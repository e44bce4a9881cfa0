import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';

/**
 * What every page the hub serves (the explorer, the notice verifier, the data console) shares: a content
 * security policy that denies by default, no referrer, no framing, no content sniffing, and strong ETags.
 * Each page names only the sources it needs on top of that.
 */
export interface PagePolicy {
  /** CSP directives beyond the shared ones, e.g. `{ 'script-src': ["'self'"] }`. */
  directives: Readonly<Record<string, readonly string[]>>;
  /** Cache-Control of the page itself. */
  cache: string;
}

/** Closed unless a page opens it: no plug-ins, no <base>, no form posts, never inside a frame. */
const SHARED_DIRECTIVES: Readonly<Record<string, readonly string[]>> = {
  'default-src': ["'none'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
  'frame-ancestors': ["'none'"],
};

export function contentSecurityPolicy(directives: PagePolicy['directives']): string {
  const merged = { ...SHARED_DIRECTIVES, ...directives };
  return Object.entries(merged)
    .map(([name, sources]) => `${name} ${sources.join(' ')}`)
    .join('; ');
}

/** The headers of an HTML page under `policy`. */
export function pageHeaders(policy: PagePolicy): Record<string, string> {
  return {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': contentSecurityPolicy(policy.directives),
    'cache-control': policy.cache,
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
  };
}

/** A strong ETag from the body's content. */
export function etagOf(body: Buffer): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
}

/** Writes a whole answer; HEAD gets the headers only. Every answer is marked `nosniff`. */
export function sendBody(res: ServerResponse, status: number, headers: Record<string, string>, body: string | Buffer, method: string): void {
  const buffer = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  res.writeHead(status, { ...headers, 'x-content-type-options': 'nosniff', 'content-length': String(buffer.length) });
  res.end(method === 'HEAD' ? undefined : buffer);
}
