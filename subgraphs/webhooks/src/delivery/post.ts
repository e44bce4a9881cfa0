/**
 * One delivery attempt: a POST to exactly the registered URL, no redirect followed, one new connection (no pooling:
 * a partner's slow server holds nothing of anyone else's), the whole attempt within the timeout, and no more of the
 * answer read than the cap. The names the URL's host resolves to are checked before connecting (endpoint.url.ts).
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { mayConnectTo } from '../endpoint/endpoint.url';

export interface PostOptions {
  timeoutMs: number;
  maxResponseBytes: number;
  allowLoopback: boolean;
  /** Aborts the attempt (the node is stopping). */
  signal?: AbortSignal;
}

/** How an attempt went: the HTTP status if one came, and what went wrong if it failed. */
export interface PostOutcome {
  ok: boolean;
  status: number | null;
  /** Why it failed, in a few words a partner can act on: `HTTP 500`, `timeout after 10000 ms`, ... */
  error: string | null;
  durationMs: number;
}

class RefusedAddress extends Error {}

/** dns.lookup, refusing addresses a delivery may not go to (every one of them, when the name has several). */
function guardedLookup(allowLoopback: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 4);
      const refused = addresses.find((a) => !mayConnectTo(a.address, allowLoopback));
      if (refused || addresses.length === 0) return callback(new RefusedAddress(`${hostname} resolves to ${refused?.address ?? 'nothing'}, not a public address`), '', 4);
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      return callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}

export function postWebhook(url: URL, headers: Record<string, string>, body: string, options: PostOptions): Promise<PostOutcome> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  return new Promise<PostOutcome>((resolve) => {
    let settled = false;
    const finish = (outcome: Omit<PostOutcome, 'durationMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      req.destroy();
      resolve({ ...outcome, durationMs: elapsed() });
    };
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host) !== 0 && !mayConnectTo(host, options.allowLoopback)) {
      resolve({ ok: false, status: null, error: `${host} is not a public address`, durationMs: 0 });
      return;
    }
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(url, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'user-agent': 'Lilong-Webhooks/1' },
      agent: false,
      lookup: guardedLookup(options.allowLoopback),
    });
    const timer = setTimeout(() => finish({ ok: false, status: null, error: `timeout after ${options.timeoutMs} ms` }), options.timeoutMs);
    const onAbort = () => finish({ ok: false, status: null, error: 'the node stopped during the attempt' });
    options.signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', (error: NodeJS.ErrnoException) => {
      const why = error instanceof RefusedAddress ? error.message : error.code ? `${error.code}: ${error.message}` : error.message;
      finish({ ok: false, status: null, error: `no answer (${why})` });
    });
    req.on('response', (res: IncomingMessage) => {
      const status = res.statusCode ?? 0;
      const ok = status >= 200 && status < 300;
      const error = ok ? null : status >= 300 && status < 400 ? `HTTP ${status} (redirects are not followed)` : `HTTP ${status}`;
      let read = 0;
      // The answer is read to its end, or up to the cap: then the connection is closed, the status counts.
      res.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (read >= options.maxResponseBytes) finish({ ok, status, error });
      });
      res.on('end', () => finish({ ok, status, error }));
      res.on('error', () => finish({ ok, status, error }));
    });
    req.end(body);
  });
}
