import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Directory } from '../directory/directory';
import { keyDirectoryOf } from '../directory/notice-keys';
import { isVerifierAsset, VERIFIER_ASSET_PREFIX, verifierAsset, verifierAssetUrl } from './assets';
import { pageHeaders, sendBody as send } from '../http/page-headers';
import { renderPrintPage, renderVerifyPage } from './page';

/**
 * The hub's notice verifier, for anyone, with no token:
 *
 * - `GET /notice-keys.json`: every community's public notice keys (`keyDirectoryOf`), what every verifier checks against.
 * - `GET /verify`: the verifier page (paste a notice, or open a QR code's `#id=…&kid=…&sig=…`).
 * - `GET /verify/print`: a printable notice with its QR code (`#id=…`).
 * - `GET /verify/assets/<name>`: one of a fixed allow-list of files (see assets.ts).
 */
export function serveVerifier(req: IncomingMessage, res: ServerResponse, directory: Directory): void {
  const method = req.method ?? 'GET';
  if (method !== 'GET' && method !== 'HEAD') {
    send(res, 405, { 'content-type': TEXT, allow: 'GET, HEAD' }, 'Method not allowed / 不支持该请求方法\n', method);
    return;
  }
  const pathname = (req.url ?? '/').split('?')[0]!;
  if (pathname === NOTICE_KEYS_PATH) {
    const headers = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'public, max-age=60', 'access-control-allow-origin': '*' };
    send(res, 200, headers, `${JSON.stringify(keyDirectoryOf(directory), null, 2)}\n`, method);
    return;
  }
  if (pathname === '/verify' || pathname === '/verify/' || pathname === '/verify/print') {
    let html: string;
    try {
      html = pathname === '/verify/print' ? renderPrintPage(verifierAssetUrl) : renderVerifyPage(verifierAssetUrl);
    } catch (error) {
      send(res, 500, { 'content-type': TEXT }, `The verifier could not be built / 核验程序无法生成: ${(error as Error).message}\n`, method);
      return;
    }
    send(res, 200, PAGE_HEADERS, html, method);
    return;
  }
  const name = pathname.startsWith(VERIFIER_ASSET_PREFIX) ? pathname.slice(VERIFIER_ASSET_PREFIX.length) : undefined;
  if (name === undefined || !isVerifierAsset(name)) {
    send(res, 404, { 'content-type': TEXT }, `Not found / 未找到: ${pathname}\n`, method);
    return;
  }
  let asset;
  try {
    asset = verifierAsset(name);
  } catch (error) {
    send(res, 500, { 'content-type': TEXT }, `Verifier asset ${name} could not be built / 资源文件 ${name} 无法生成: ${(error as Error).message}\n`, method);
    return;
  }
  if (req.headers['if-none-match'] === asset.etag) {
    res.writeHead(304, { etag: asset.etag, 'cache-control': ASSET_CACHE }).end();
    return;
  }
  send(res, 200, { 'content-type': asset.contentType, 'cache-control': ASSET_CACHE, etag: asset.etag }, asset.body, method);
}

export const NOTICE_KEYS_PATH = '/notice-keys.json';

/** Whether a request path is the verifier's (for the hub's router). */
export const isVerifierPath = (path: string): boolean => path === NOTICE_KEYS_PATH || path === '/verify' || path.startsWith('/verify/');

const TEXT = 'text/plain; charset=utf-8';
const ASSET_CACHE = 'public, max-age=86400';

const PAGE_HEADERS = pageHeaders({
  cache: 'no-cache',
  directives: {
    'script-src': ["'self'"],
    'style-src': ["'self'"],
    // The print view's QR code is an SVG shown from a data: URL.
    'img-src': ["'self'", 'data:'],
    'connect-src': ["'self'"],
  },
});

