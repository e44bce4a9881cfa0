/**
 * The data console's build (gateway/console, Vite): `npm install` runs it (the root `prepare` script), `npm start`
 * runs it again when the build is missing or older than its sources, and the test setup when it is missing.
 * Light imports only (node:*): the launcher calls it before loading anything else.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

export const CONSOLE_DIR = path.resolve(__dirname, '../../gateway/console');
const BUILT_PAGE = path.join(CONSOLE_DIR, 'dist', 'index.html');
const SOURCES = ['src', 'index.html', 'vite.config.ts', 'package.json', 'tsconfig.json'];

export type ConsoleBuildState = 'fresh' | 'stale' | 'missing';

/** Whether the console's build is there and newer than every one of its sources. */
export function consoleBuildState(): ConsoleBuildState {
  if (!existsSync(BUILT_PAGE)) return 'missing';
  const built = statSync(BUILT_PAGE).mtimeMs;
  return SOURCES.some((s) => newestIn(path.join(CONSOLE_DIR, s)) > built) ? 'stale' : 'fresh';
}

function newestIn(file: string): number {
  if (!existsSync(file)) return 0;
  const stat = statSync(file);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(file).map((name) => newestIn(path.join(file, name))));
}

/**
 * Runs `vite build` in gateway/console (about 5-10 s on two cores); resolves with its output, rejects with it when
 * the build fails. Nothing is fetched: everything the console needs is in node_modules.
 */
export function buildConsole(): Promise<string> {
  return new Promise((resolve, reject) => {
    // vite's package exports no bin path: find the package, then its bin.
    const vite = path.join(path.dirname(require.resolve('vite/package.json', { paths: [CONSOLE_DIR] })), 'bin', 'vite.js');
    const child = spawn(process.execPath, [vite, 'build', '--logLevel', 'warn'], {
      cwd: CONSOLE_DIR,
      env: { ...process.env, VITE_CONFIG_NATIVE_IGNORE_WARNING: 'true', NODE_ENV: 'production' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(output) : reject(new Error(`the console's build failed 数据看板构建失败 (exit ${code}):\n${output}`))));
  });
}

/** Builds the console unless its build is fresh; returns what it did. */
export async function ensureConsoleBuilt(): Promise<ConsoleBuildState | 'built'> {
  const state = consoleBuildState();
  if (state === 'fresh') return state;
  await buildConsole();
  return 'built';
}
