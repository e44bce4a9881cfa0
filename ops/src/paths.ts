import path from 'node:path';

/** Where the embedded default keeps its state: keys, database files, the directory. Kept between runs. */
export const LILONG_HOME = path.resolve(process.env.LILONG_HOME ?? path.join(__dirname, '../../.lilong'));
export const KEYS_DIR = path.join(LILONG_HOME, 'keys');
export const PG_DATA_DIR = path.join(LILONG_HOME, 'pgdata');
export const DIRECTORY_PATH = path.join(LILONG_HOME, 'directory.json');
/** One log per process: the hub, each community node, the launcher itself. */
export const LOG_DIR = path.join(LILONG_HOME, 'logs');
/** What is running now (PIDs, URLs, restarts), while `npm start` runs; see run-state.ts. */
export const RUN_STATE_PATH = path.join(LILONG_HOME, 'run', 'pids.json');
export const REPO_ROOT = path.resolve(__dirname, '../..');
