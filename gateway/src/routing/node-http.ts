/**
 * The hub's HTTP to community nodes: a POST over Node's own `http`/`https` with keep-alive agents, one per protocol
 * and hub process, and the answer's body read no further than a limit.
 *
 * Why not the global `fetch`: every call of the hub to a node (each community fetch, each roles lookup, each event
 * read) went through it, and its WHATWG streams, `Request`/`Response` objects and header lists cost the hub about
 * 0.3 ms of CPU per call on these machines, where a plain `http.request` over a kept-alive socket costs about
 * 0.05 ms (both measured here, client and a trivial server in one process: 370 vs 110 µs per request). Sockets are
 * reused by the agent (LIFO, so that idle ones age out), and closed after `KEEP_ALIVE_MS` idle, well below the
 * nodes' own keep-alive timeout (65 s). A request that meets a kept-alive socket the node closed meanwhile (a node
 * restarted) fails before the node read it: it is sent once more, on a new socket.
 */
import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';

/** Idle sockets are closed after this long (the nodes keep theirs 65 s). */
export const KEEP_ALIVE_MS = 30_000;

const agents = {
  'http:': new http.Agent({ keepAlive: true, keepAliveMsecs: 1000, scheduling: 'lifo', timeout: KEEP_ALIVE_MS }),
  'https:': new https.Agent({ keepAlive: true, keepAliveMsecs: 1000, scheduling: 'lifo', timeout: KEEP_ALIVE_MS }),
};

/** The answer was larger than the caller's limit; the rest of it was not read (its socket is closed). */
export class AnswerTooLarge extends Error {}

export interface NodeAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  /** The body as text, at most `maxBytes`; AnswerTooLarge beyond. */
  text: string;
}

/**
 * POSTs `body` to `url` and reads the whole answer. Rejects with the signal's reason when it aborts (a
 * `TimeoutError` for `AbortSignal.timeout`), before or while the answer is read; with the socket's error (its `code`:
 * ECONNREFUSED, ECONNRESET, ...) when the node cannot be reached; with AnswerTooLarge past `maxBytes`.
 */
export function postToNode(url: string, headers: Record<string, string>, body: string, signal: AbortSignal, maxBytes: number): Promise<NodeAnswer> {
  const target = new URL(url);
  const payload = Buffer.from(body, 'utf8');
  return attempt(target, { ...headers, 'content-length': String(payload.byteLength) }, payload, signal, maxBytes, true);
}

function attempt(target: URL, headers: Record<string, string>, payload: Buffer, signal: AbortSignal, maxBytes: number, mayRetry: boolean): Promise<NodeAnswer> {
  return new Promise<NodeAnswer>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const agent = agents[target.protocol as keyof typeof agents];
    if (!agent) return reject(new TypeError(`unsupported protocol ${target.protocol}`));
    const request = (target.protocol === 'https:' ? https : http).request(target, { method: 'POST', agent, headers });
    let settled = false;
    let answered = false;
    const done = (error: unknown, answer?: NodeAnswer) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      if (answer) resolve(answer);
      else reject(error);
    };
    const onAbort = () => {
      done(signal.reason);
      request.destroy();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    request.on('error', (error: NodeJS.ErrnoException) => {
      // A kept-alive socket the node had closed: nothing reached the node, so sending again on a new one is safe.
      if (!settled && !answered && !signal.aborted && mayRetry && request.reusedSocket && (error.code === 'ECONNRESET' || error.code === 'EPIPE')) {
        settled = true;
        signal.removeEventListener('abort', onAbort);
        attempt(target, headers, payload, signal, maxBytes, false).then(resolve, reject);
        return;
      }
      done(signal.aborted ? signal.reason : error);
    });
    request.on('response', (response) => {
      answered = true;
      const status = response.statusCode ?? 0;
      if (Number(response.headers['content-length'] ?? 0) > maxBytes) {
        done(new AnswerTooLarge());
        request.destroy();
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.byteLength;
        if (size > maxBytes) {
          done(new AnswerTooLarge());
          request.destroy();
          return;
        }
        chunks.push(chunk);
      });
      response.on('end', () => done(undefined, { status, headers: response.headers, text: Buffer.concat(chunks, size).toString('utf8') }));
      response.on('error', (error) => done(signal.aborted ? signal.reason : error));
      response.on('aborted', () => done(signal.aborted ? signal.reason : Object.assign(new Error('the node closed the connection mid-answer'), { code: 'ECONNRESET' })));
    });
    request.end(payload);
  });
}
