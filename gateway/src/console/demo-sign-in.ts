import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The embedded demo's one-click sign-in for the console 演示登录. Only when the hub runs with
 * `LILONG_CONSOLE_DEMO_IDP` (the launcher of `npm start` sets it to its demo identity provider, which listens on
 * this machine only); a production hub never has it, and then every path here answers 404.
 *
 * - `GET /console/demo/people`: the seeded people one may sign in as (sub-district staff, each community's
 *   committee staff, dispatcher and information officer), as the provider lists them; `{"people": []}` on a hub
 *   without the demo.
 * - `POST /console/demo/token` `{"person":"<id>"}`: a token for one of them, minted by the provider. The hub verifies
 *   it like any other (the provider's JWKS); nothing here grants anything.
 *
 * The console calls these on its own origin (its CSP allows no other), so the hub relays them to the provider.
 */
export function serveDemoSignIn(req: IncomingMessage, res: ServerResponse, rest: string): void {
  const provider = demoProvider();
  const method = req.method ?? 'GET';
  if (!provider) {
    // The console asks on every sign-in page: "none here" is an answer, not an error.
    if (rest === 'people' && method === 'GET') {
      json(res, 200, { demo: false, people: [] });
      return;
    }
    json(res, 404, { demo: false, message: 'No demo sign-in on this hub.', messageZh: '本枢纽没有演示登录。' });
    return;
  }
  if (rest === 'people') {
    if (method !== 'GET') {
      json(res, 405, { message: 'Method not allowed', messageZh: '不支持该请求方法' }, { allow: 'GET' });
      return;
    }
    void relay(res, `${provider}/demo/people`, { method: 'GET' });
    return;
  }
  if (rest === 'token') {
    if (method !== 'POST') {
      json(res, 405, { message: 'Method not allowed', messageZh: '不支持该请求方法' }, { allow: 'POST' });
      return;
    }
    readSmallBody(req).then(
      (body) => relay(res, `${provider}/demo/token`, { method: 'POST', body, headers: { 'content-type': 'application/json' } }),
      () => json(res, 413, { message: 'Request too large', messageZh: '请求过大' }),
    );
    return;
  }
  json(res, 404, { message: `Nothing at /console/demo/${rest}`, messageZh: '不存在' });
}

/** How long the provider gets to answer, in ms: it is on this machine. */
const PROVIDER_TIMEOUT_MS = 3000;
const MAX_BODY_BYTES = 1024;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * The demo provider's base URL from `LILONG_CONSOLE_DEMO_IDP`, or undefined. Only a loopback http(s) URL is taken:
 * a demo provider mints tokens for whoever asks, so it must never be one reachable from elsewhere.
 */
export function demoProvider(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const raw = env.LILONG_CONSOLE_DEMO_IDP;
  if (!raw) return undefined;
  try {
    const url = new URL(raw);
    if ((url.protocol === 'http:' || url.protocol === 'https:') && LOOPBACK_HOSTS.has(url.hostname)) return url.origin;
  } catch {
    // not a URL: no demo sign-in
  }
  return undefined;
}

async function relay(res: ServerResponse, url: string, init: RequestInit): Promise<void> {
  try {
    const answer = await fetch(url, { ...init, redirect: 'error', signal: AbortSignal.timeout(PROVIDER_TIMEOUT_MS) });
    const text = await answer.text();
    res.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
    res.end(text);
  } catch (error) {
    json(res, 502, { message: `The demo identity provider did not answer: ${(error as Error).message}`, messageZh: '演示身份提供方没有响应' });
  }
}

function readSmallBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.destroy();
        reject(new Error('too large'));
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...headers });
  res.end(JSON.stringify(body));
}
