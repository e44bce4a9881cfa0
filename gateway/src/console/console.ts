import { readdirSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { etagOf, pageHeaders, sendBody as send } from '../http/page-headers';
import { serveDemoSignIn } from './demo-sign-in';

/**
 * The sub-district data console 街道数据看板: the web app built from `gateway/console/` (Vite) into
 * `gateway/console/dist/`, served from the hub so it works offline. It talks to the hub's public API only.
 *
 * - `GET /console`, `GET /console/`: the page (index.html).
 * - `GET /console/<file>`: a file of the build, looked up by name in the list of the files the build wrote (the URL
 *   never builds a file path); hashed `assets/` files are cached for a year, the rest revalidated by ETag.
 * - `GET /console/<path without extension>`: the page too (the app's own views), so a reload keeps the view.
 * - `/console/demo/...`: the embedded demo's one-click sign-in (demo-sign-in.ts), only where the launcher enables it.
 * - the console not built: 503 with a page saying how to build it.
 */
export function serveConsole(req: IncomingMessage, res: ServerResponse): void {
  const method = req.method ?? 'GET';
  const pathname = (req.url ?? '/').split('?')[0]!;
  if (pathname.startsWith(DEMO_PREFIX)) {
    serveDemoSignIn(req, res, pathname.slice(DEMO_PREFIX.length));
    return;
  }
  if (method !== 'GET' && method !== 'HEAD') {
    send(res, 405, { 'content-type': TEXT, allow: 'GET, HEAD' }, 'Method not allowed / 不支持该请求方法\n', method);
    return;
  }
  const name = fileNameOf(pathname);
  if (name === undefined) {
    send(res, 400, { 'content-type': TEXT }, `Bad path / 路径无效: ${pathname}\n`, method);
    return;
  }
  const build = currentBuild();
  if (!build) {
    send(res, 503, { ...PAGE_HEADERS, 'cache-control': 'no-store', 'retry-after': '30' }, NOT_BUILT_PAGE, method);
    return;
  }
  // A path without an extension is one of the app's views: the page answers it.
  const file = build.files.get(name) ?? (path.posix.extname(name) === '' ? build.files.get(INDEX) : undefined);
  if (!file) {
    send(res, 404, { 'content-type': TEXT }, `Not found / 未找到: ${pathname}\n`, method);
    return;
  }
  const isPage = file.name === INDEX;
  const cache = isPage ? 'no-cache' : file.name.startsWith('assets/') ? HASHED_CACHE : PLAIN_CACHE;
  let loaded: Loaded;
  try {
    loaded = load(build, file);
  } catch {
    send(res, 503, { ...PAGE_HEADERS, 'cache-control': 'no-store', 'retry-after': '5' }, NOT_BUILT_PAGE, method);
    return;
  }
  const headers: Record<string, string> = { 'content-type': file.contentType, 'cache-control': cache, etag: loaded.etag, ...(isPage ? PAGE_HEADERS : {}) };
  if (req.headers['if-none-match'] === loaded.etag) {
    res.writeHead(304, { etag: loaded.etag, 'cache-control': cache }).end();
    return;
  }
  send(res, 200, headers, loaded.body, method);
}

/** Whether a request path is the console's (for the hub's router). */
export const isConsolePath = (p: string): boolean => p === '/console' || p.startsWith('/console/');

/** Where the console's build is: `gateway/console/dist`. */
export const CONSOLE_DIST = path.resolve(__dirname, '../../console/dist');

const PREFIX = '/console/';
const DEMO_PREFIX = '/console/demo/';
const INDEX = 'index.html';
const TEXT = 'text/plain; charset=utf-8';
/** Vite names every asset by its content: a changed file is a new URL. */
const HASHED_CACHE = 'public, max-age=31536000, immutable';
const PLAIN_CACHE = 'public, max-age=300';
/** Most a file of the build may weigh; anything larger is not the console's. */
const MAX_FILE_BYTES = 8 * 1024 * 1024;

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'application/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

const PAGE_HEADERS = pageHeaders({
  cache: 'no-cache',
  directives: {
    'script-src': ["'self'"],
    // ECharts positions its tooltips and React its chart boxes with style attributes.
    'style-src': ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", 'data:'],
    'font-src': ["'self'"],
    // The API (POST /graphql) and its live events (POST /graphql/stream): the hub's own origin, nothing else.
    'connect-src': ["'self'"],
    'manifest-src': ["'self'"],
  },
});

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>数据看板尚未构建 · Console not built</title></head>
<body style="font: 18px/1.5 system-ui, sans-serif; max-width: 40em; margin: 3em auto; padding: 0 1em">
<h1>数据看板尚未构建</h1>
<p>枢纽运行正常，接口仍在 <a href="/graphql">/graphql</a>。请在项目目录运行 <code>npm install</code>（或 <code>npm run build:console</code>），然后刷新本页。</p>
<h1 lang="en">The data console is not built</h1>
<p lang="en">The hub is running and its API is at <a href="/graphql">/graphql</a>. Run <code>npm install</code> (or
<code>npm run build:console</code>) in the project folder, then reload this page.</p>
</body></html>
`;

/**
 * The build's file name a URL path asks for (`assets/index-abc.js`, or `index.html` for the page), or undefined
 * when the path is not one a build could have written: an encoded or literal `..`, `.`, an empty segment, a
 * backslash, a NUL or a hidden file. Only a name of the build's own list is ever read.
 */
export function fileNameOf(pathname: string): string | undefined {
  if (pathname === '/console' || pathname === PREFIX) return INDEX;
  if (!pathname.startsWith(PREFIX)) return undefined;
  let rest: string;
  try {
    rest = decodeURIComponent(pathname.slice(PREFIX.length));
  } catch {
    return undefined;
  }
  if (rest.length > 512 || /[\\\0]/.test(rest)) return undefined;
  const segments = rest.replace(/\/$/, '').split('/');
  if (segments.some((s) => s === '' || s.startsWith('.'))) return undefined;
  return segments.join('/');
}

interface BuildFile {
  name: string;
  absolute: string;
  contentType: string;
}

interface Build {
  /** index.html's modification time: a new build rewrites it, and the list is read again. */
  stamp: number;
  files: Map<string, BuildFile>;
  loaded: Map<string, Loaded>;
}

interface Loaded {
  body: Buffer;
  etag: string;
}

let build: Build | undefined;

/** The build's files by name, read again when the build changed (`npm run build:console` while the hub runs). */
function currentBuild(): Build | undefined {
  let stamp: number;
  try {
    stamp = statSync(path.join(CONSOLE_DIST, INDEX)).mtimeMs;
  } catch {
    build = undefined;
    return undefined;
  }
  if (build?.stamp === stamp) return build;
  const files = new Map<string, BuildFile>();
  const walk = (folder: string, prefix: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const absolute = path.join(folder, entry.name);
      const name = `${prefix}${entry.name}`;
      if (entry.isDirectory()) walk(absolute, `${name}/`);
      else if (entry.isFile()) {
        const contentType = CONTENT_TYPES[path.extname(entry.name).toLowerCase()];
        if (contentType) files.set(name, { name, absolute, contentType });
      }
    }
  };
  walk(CONSOLE_DIST, '');
  build = { stamp, files, loaded: new Map() };
  return build;
}

/** Reads a file of the list once and keeps it in memory (the whole build is about 1.5 MB). */
function load(from: Build, file: BuildFile): Loaded {
  let entry = from.loaded.get(file.name);
  if (!entry) {
    const body = readFileSync(file.absolute);
    if (body.length > MAX_FILE_BYTES) throw new Error(`${file.name} is too large`);
    entry = { body, etag: etagOf(body) };
    from.loaded.set(file.name, entry);
  }
  return entry;
}

