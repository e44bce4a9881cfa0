'use strict';
// Runs the TypeScript sources directly: each .ts file is compiled by swc on first require.
// Type checking is separate (`npm run typecheck`); this hook only strips types and lowers decorators,
// keeping decorator metadata and class names, which type-graphql and MikroORM read at run time.
const fs = require('node:fs');
const Module = require('node:module');
const { transformSync } = require('@swc/core');

const swcOptions = require('./swc-options.js');

if (!Module._extensions['.ts']) {
  Module._extensions['.ts'] = function compileTypeScript(module, filename) {
    const source = fs.readFileSync(filename, 'utf8');
    const { code } = transformSync(source, { ...swcOptions, filename, sourceMaps: 'inline' });
    module._compile(code, filename);
  };
  process.setSourceMapsEnabled(true);
}
require('reflect-metadata');
