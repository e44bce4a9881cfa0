import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { etagOf, pageHeaders, sendBody as send } from '../http/page-headers';
import { BOOTSTRAP_JS, renderPage } from './page';

/**
 * The hub's API explorer: GraphiQL served entirely from the hub (React, ReactDOM and GraphiQL from node_modules,
 * the bootstrap from this folder), so it works on machines with no internet access.
 *
 * - `GET /` and `GET /graphql` (Accept: text/html): the page.
 * - `GET /explorer/assets/<name>`: one of a fixed allow-list of files; the URL never builds a file path.
 * - anything else under `/explorer`: 404.
 */
export function serveExplorer(req: IncomingMessage, res: ServerResponse): void {
  const method = req.method ?? 'GET';
  if (method !== 'GET' && method !== 'HEAD') {
    send(res, 405, { 'content-type': TEXT, allow: 'GET, HEAD' }, 'Method not allowed / 不支持该请求方法\n', method);
    return;
  }
  const pathname = (req.url ?? '/').split('?')[0]!;
  if (pathname === '/' || pathname === '/graphql') {
    send(res, 200, PAGE_HEADERS, page(), method);
    return;
  }
  const name = pathname.startsWith(ASSET_PREFIX) ? pathname.slice(ASSET_PREFIX.length) : undefined;
  const asset = name !== undefined && Object.hasOwn(ASSETS, name) ? ASSETS[name]! : undefined;
  if (!asset) {
    send(res, 404, { 'content-type': TEXT }, `Not found / 未找到: ${pathname}\n`, method);
    return;
  }
  let loaded: Loaded;
  try {
    loaded = load(name!, asset);
  } catch {
    send(res, 500, { 'content-type': TEXT }, `Explorer asset ${name} is not installed / 缺少资源文件 ${name}\n`, method);
    return;
  }
  if (req.headers['if-none-match'] === loaded.etag) {
    res.writeHead(304, { etag: loaded.etag, 'cache-control': ASSET_CACHE }).end();
    return;
  }
  send(res, 200, { 'content-type': asset.contentType, 'cache-control': ASSET_CACHE, etag: loaded.etag }, loaded.body, method);
}

const TEXT = 'text/plain; charset=utf-8';
const JS = 'application/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';
const ASSET_PREFIX = '/explorer/assets/';
const ASSET_CACHE = 'public, max-age=86400';

const PAGE_HEADERS = pageHeaders({
  cache: 'no-cache',
  directives: {
    // GraphiQL loads its own parts from the hub.
    'default-src': ["'self'"],
    'script-src': ["'self'"],
    'style-src': ["'self'", "'unsafe-inline'"],
    // graphiql.min.css embeds its fonts as data: URLs.
    'font-src': ["'self'", 'data:'],
    'img-src': ["'self'", 'data:'],
    'connect-src': ["'self'"],
  },
});

interface Asset {
  contentType: string;
  /** Reads the file; only ever called with the allow-list's own paths. */
  read(): Buffer;
}

const packageFile = (pkg: string, file: string) => (): Buffer =>
  readFileSync(path.join(path.dirname(require.resolve(`${pkg}/package.json`)), file));

/** The only files the explorer serves, by name. */
const ASSETS: Readonly<Record<string, Asset>> = {
  'react.production.min.js': { contentType: JS, read: packageFile('react', 'umd/react.production.min.js') },
  'react-dom.production.min.js': { contentType: JS, read: packageFile('react-dom', 'umd/react-dom.production.min.js') },
  'graphiql.min.js': { contentType: JS, read: () => readFileSync(require.resolve('graphiql/graphiql.min.js')) },
  'graphiql.min.css': { contentType: CSS, read: () => readFileSync(require.resolve('graphiql/graphiql.min.css')) },
  'explorer.js': { contentType: JS, read: () => Buffer.from(BOOTSTRAP_JS, 'utf8') },
};

interface Loaded {
  body: Buffer;
  etag: string;
}

const cache = new Map<string, Loaded>();

/** Reads an asset once and keeps it in memory (about 4 MB in all). */
function load(name: string, asset: Asset): Loaded {
  let entry = cache.get(name);
  if (!entry) {
    const body = asset.read();
    entry = { body, etag: etagOf(body) };
    cache.set(name, entry);
  }
  return entry;
}

let cachedPage: string | undefined;

/** The page, with each asset URL versioned by its content so a long cache never serves a stale file. */
function page(): string {
  if (cachedPage) return cachedPage;
  let complete = true;
  const html = renderPage((name) => {
    try {
      return `${ASSET_PREFIX}${name}?v=${load(name, ASSETS[name]!).etag.slice(1, 11)}`;
    } catch {
      complete = false; // missing asset: its request answers 500 with the reason; try again next time
      return `${ASSET_PREFIX}${name}`;
    }
  });
  if (complete) cachedPage = html;
  return html;
}

