'use strict';
// Runs the TypeScript sources directly: each .ts file is compiled by swc on first require.
// Type checking is separate (`npm run typecheck`); this hook only strips types and lowers decorators,
// keeping decorator metadata and class names, which type-graphql and MikroORM read at run time.
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');

const swcOptions = require('./swc-options.js');

/**
 * The workspace packages (`@lilong/*`) by name, from the root package.json's workspaces. Their package.json `main`
 * and `exports` name the build (`dist/*.js`, see docs/deploy.md); running from the sources, `@lilong/kit` is
 * `subgraphs/kit/src/index.ts` and `@lilong/kit/src/auth/keys` is `subgraphs/kit/src/auth/keys.ts`, so a fresh clone
 * runs without a build and never loads a stale one.
 */
function workspaceSources() {
  const root = path.resolve(__dirname, '..');
  const sources = new Map();
  for (const dir of require(path.join(root, 'package.json')).workspaces) {
    const manifest = path.join(root, dir, 'package.json');
    if (fs.existsSync(manifest)) sources.set(JSON.parse(fs.readFileSync(manifest, 'utf8')).name, path.join(root, dir));
  }
  return sources;
}

/** Where compiled code is kept between runs: node_modules/.cache, as babel, eslint and vite keep theirs. */
const CACHE_ROOT = path.resolve(__dirname, '../node_modules/.cache/lilong');

/**
 * swc's output of each .ts file, kept on disk so that a restart (npm start, a node the launcher restarts, each
 * test cluster's processes) does not compile the same sources again: one file per source path, named by a hash of
 * the path and headed by a hash of what produced it (source, swc version, options), so an edited file is compiled
 * once more and overwrites its entry and the cache never grows beyond one entry per source. Written to a
 * temporary name and renamed, so processes starting together never read half an entry. `LILONG_COMPILE_CACHE=off`
 * compiles everything every time.
 */
function compiledCache() {
  const off = process.env.LILONG_COMPILE_CACHE === 'off';
  const dir = path.join(CACHE_ROOT, 'swc');
  const producer = `${require('@swc/core/package.json').version}\0${JSON.stringify(swcOptions)}`;
  const hash = (text) => createHash('sha256').update(text).digest('base64url');
  const entryOf = (filename) => path.join(dir, `${hash(filename).slice(0, 32)}.js`);
  const headerOf = (source) => `// ${hash(`${producer}\0${source}`)}\n`;
  return {
    get(filename, source) {
      if (off) return undefined;
      let text;
      try {
        text = fs.readFileSync(entryOf(filename), 'utf8');
      } catch {
        return undefined;
      }
      const header = headerOf(source);
      return text.startsWith(header) ? text.slice(header.length) : undefined;
    },
    set(filename, source, code) {
      if (off) return code;
      const entry = entryOf(filename);
      const temporary = `${entry}.${process.pid}.tmp`;
      try {
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(temporary, headerOf(source) + code);
        fs.renameSync(temporary, entry);
      } catch {
        // A read-only checkout runs, only slower: every start compiles again.
        fs.rmSync(temporary, { force: true });
      }
      return code;
    },
  };
}

if (!Module._extensions['.ts']) {
  const sources = workspaceSources();
  const resolveFilename = Module._resolveFilename;
  Module._resolveFilename = function resolveWorkspaceSource(request, ...rest) {
    if (request.startsWith('@lilong/')) {
      const [scope, name, ...subpath] = request.split('/');
      const dir = sources.get(`${scope}/${name}`);
      if (dir && subpath.length === 0) return resolveFilename.call(this, path.join(dir, 'src/index.ts'), ...rest);
      if (dir && subpath[0] === 'src') return resolveFilename.call(this, path.join(dir, ...subpath), ...rest);
    }
    return resolveFilename.call(this, request, ...rest);
  };

  const cache = compiledCache();
  // swc's native binding loads only when a file is not in the cache.
  const compile = (source, filename) => require('@swc/core').transformSync(source, { ...swcOptions, filename, sourceMaps: 'inline' }).code;
  Module._extensions['.ts'] = function compileTypeScript(module, filename) {
    const source = fs.readFileSync(filename, 'utf8');
    module._compile(cache.get(filename, source) ?? cache.set(filename, source, compile(source, filename)), filename);
  };
  process.setSourceMapsEnabled(true);
  // Node 22.1 and later also keep V8's compiled code of every module (node_modules and the .ts above) on disk.
  if (typeof Module.enableCompileCache === 'function' && process.env.LILONG_COMPILE_CACHE !== 'off') {
    Module.enableCompileCache(path.join(CACHE_ROOT, 'v8'));
  }
}
require('reflect-metadata');
