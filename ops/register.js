'use strict';
// Runs the TypeScript sources directly: each .ts file is compiled by swc on first require.
// Type checking is separate (`npm run typecheck`); this hook only strips types and lowers decorators,
// keeping decorator metadata and class names, which type-graphql and MikroORM read at run time.
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const { transformSync } = require('@swc/core');

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

  Module._extensions['.ts'] = function compileTypeScript(module, filename) {
    const source = fs.readFileSync(filename, 'utf8');
    const { code } = transformSync(source, { ...swcOptions, filename, sourceMaps: 'inline' });
    module._compile(code, filename);
  };
  process.setSourceMapsEnabled(true);
}
require('reflect-metadata');
