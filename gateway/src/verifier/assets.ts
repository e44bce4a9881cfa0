import { readFileSync } from 'node:fs';
import path from 'node:path';
import { VERIFIER_CSS } from './page';
import { etagOf } from '../http/page-headers';

/**
 * The verifier's browser files, by name: the only ones `/verify/assets/<name>` serves (the URL never builds a file
 * path). The checking code is the project's own TypeScript, compiled to ES modules on first request with the swc
 * the hub already runs on: signed.ts exactly as the node and the command use it, check.ts, and the pages' scripts.
 * `canonicalize` (CommonJS, `module.exports = function`) is wrapped as an ES module with a default export.
 *
 * Every import of a compiled module is rewritten to the served copy of what it names, versioned by content (so a
 * day-long cache never mixes an old signed.js with a new page); an import not in `imports` stops the build, rather
 * than leaving the browser to fetch a bare name it cannot resolve.
 */
export const VERIFIER_ASSET_PREFIX = '/verify/assets/';

const JS = 'application/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';

interface AssetSpec {
  contentType: string;
  /** Builds the file; `urlOf(name)` is another asset's versioned URL, relative to this one. */
  build(urlOf: (name: string) => string): string;
}

const schemaFile = (file: string) => path.join(path.dirname(require.resolve('@lilong/schema/package.json')), file);
/** This folder's TypeScript sources, also when the hub runs from its build (gateway/dist/verifier). */
const SOURCE_DIR = path.resolve(__dirname, '../../src/verifier');

/** A TypeScript file as an ES module; `imports` maps each specifier it uses to the asset that serves it. */
const typescriptModule = (file: string, imports: Record<string, string>): AssetSpec => ({
  contentType: JS,
  build: (urlOf) => rewriteImports(compileToEsModule(file), file, imports, urlOf),
});

const ASSETS: Readonly<Record<string, AssetSpec>> = {
  'canonicalize.js': {
    contentType: JS,
    build: () => {
      const source = readFileSync(require.resolve('canonicalize'), 'utf8');
      return `// canonicalize ${packageVersion('canonicalize')} (CommonJS), as an ES module\nconst module = { exports: {} };\n(function (module, exports) {\n${source}\n})(module, module.exports);\nexport default module.exports;\n`;
    },
  },
  'signed.js': typescriptModule(schemaFile('src/signed.ts'), { canonicalize: 'canonicalize.js' }),
  'check.js': typescriptModule(path.join(SOURCE_DIR, 'check.ts'), { '@lilong/schema/src/signed': 'signed.js' }),
  'verify.js': typescriptModule(path.join(SOURCE_DIR, 'browser/verify.ts'), { '@lilong/schema/src/signed': 'signed.js', '../check': 'check.js' }),
  'print.js': typescriptModule(path.join(SOURCE_DIR, 'browser/print.ts'), { '@lilong/schema/src/signed': 'signed.js' }),
  'verifier.css': { contentType: CSS, build: () => VERIFIER_CSS },
};

export interface BuiltAsset {
  contentType: string;
  body: Buffer;
  etag: string;
}

const built = new Map<string, BuiltAsset>();

export const isVerifierAsset = (name: string): boolean => Object.hasOwn(ASSETS, name);

/** Builds an asset once (with what it imports) and keeps it in memory; throws when a source is missing. */
export function verifierAsset(name: string, building: readonly string[] = []): BuiltAsset {
  const done = built.get(name);
  if (done) return done;
  const spec = ASSETS[name];
  if (!spec || building.includes(name)) throw new Error(`verifier asset ${name}: ${spec ? `import cycle ${[...building, name].join(' → ')}` : 'not in the allow-list'}`);
  const body = Buffer.from(spec.build((dep) => `./${dep}?v=${versionOf(verifierAsset(dep, [...building, name]))}`), 'utf8');
  const asset = { contentType: spec.contentType, body, etag: etagOf(body) };
  built.set(name, asset);
  return asset;
}

/** The URL a page uses for an asset, versioned by its content. */
export const verifierAssetUrl = (name: string): string => `${VERIFIER_ASSET_PREFIX}${name}?v=${versionOf(verifierAsset(name))}`;

const versionOf = (asset: BuiltAsset): string => asset.etag.slice(1, 11);

function compileToEsModule(file: string): string {
  // Required here, not at the top: only a hub that serves the verifier needs the compiler loaded.
  const { transformSync } = require('@swc/core') as typeof import('@swc/core');
  const { code } = transformSync(readFileSync(file, 'utf8'), {
    filename: file,
    jsc: { parser: { syntax: 'typescript' }, target: 'es2020' },
    module: { type: 'es6' },
    sourceMaps: false,
    swcrc: false,
    configFile: false,
  });
  return code;
}

/**
 * An import or re-export where swc prints one: at a line's start or after a comment's end. The count of rewrites is
 * checked against the imports swc parses, so a form this misses (or a lookalike inside a string) stops the build.
 */
const IMPORT_STATEMENT = /(^|\*\/)(\s*)((?:import|export)\b[^;'"`]*?\bfrom ?|import ?)(["'])([^"'\n]+)\4/gm;

function rewriteImports(code: string, file: string, imports: Record<string, string>, urlOf: (name: string) => string): string {
  const { parseSync } = require('@swc/core') as typeof import('@swc/core');
  const sources = parseSync(code, { syntax: 'ecmascript', target: 'es2020' }).body.flatMap((item) =>
    (item.type === 'ImportDeclaration' || item.type === 'ExportAllDeclaration' || (item.type === 'ExportNamedDeclaration' && item.source)) && item.source ? [item.source.value] : [],
  );
  if (/\bimport\s*\(|\brequire\s*\(/.test(code)) throw new Error(`${file}: dynamic imports and require() cannot be served to the browser`);
  for (const specifier of sources) {
    if (!Object.hasOwn(imports, specifier)) throw new Error(`${file} imports "${specifier}", which the verifier does not serve (add it to the asset's imports)`);
  }
  let rewritten = 0;
  const out = code.replace(IMPORT_STATEMENT, (all, before: string, space: string, head: string, quote: string, specifier: string) => {
    if (!Object.hasOwn(imports, specifier)) return all;
    rewritten += 1;
    return `${before}${space}${head}${quote}${urlOf(imports[specifier]!)}${quote}`;
  });
  if (rewritten !== sources.length) throw new Error(`${file}: rewrote ${rewritten} of its ${sources.length} imports; the compiled form is not one import per line`);
  return out;
}

function packageVersion(pkg: string): string {
  return String((JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), 'utf8')) as { version?: string }).version);
}
