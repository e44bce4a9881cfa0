import { MAX_SIMULATED } from './communities';

/** What `npm run bench -- hundred [options]` was asked to do. */
export interface HundredOptions {
  /** Directory sizes to measure, ascending: the hub federates the first N simulated communities in turn. */
  communities: number[];
  /** Seconds of load per measurement. */
  durationS: number;
  /** Requests in flight from the load generator (a closed loop: each sends its next when its last is answered). */
  concurrency: number;
  /** Community nodes hosted by each worker process. */
  perProcess: number;
  /** Connections per domain pool of each node (the kit's floor is 2). */
  poolSize: number;
  /** Keep the PostgreSQL data folder for the next run (which then skips migrations and seeding). */
  keep: boolean;
  /** Write the figures as JSON to this file. */
  json?: string;
  help: boolean;
}

export const HUNDRED_HELP = `npm run bench -- hundred [options]
  Runs up to ${MAX_SIMULATED} generated communities (sim-001...) on this machine, each its own database on a private
  embedded PostgreSQL, several community nodes per worker process, and measures through a hub federating the
  first N of them: the sub-district query (searchStock, every community) and a neighbour-only fan-out
  (borrowableVolunteers, the origin's grid neighbours).
  --communities 10,30,100   directory sizes to measure (1-${MAX_SIMULATED}, ascending)
  --duration 10             seconds of load per measurement
  --concurrency 8           requests in flight
  --per-process 10          community nodes per worker process
  --pool-size 2             connections per domain pool of a node (at least 2)
  --keep                    keep the PostgreSQL data for reruns (skips migrations and seeding next time)
  --json FILE               also write the figures as JSON`;

export class OptionsError extends Error {}

function integer(name: string, raw: string | undefined, min: number, max: number): number {
  const value = Number(raw);
  if (raw === undefined || raw === '' || !Number.isInteger(value) || value < min || value > max) {
    throw new OptionsError(`${name} must be a whole number ${min}-${max}, got ${raw === undefined ? 'nothing' : JSON.stringify(raw)}`);
  }
  return value;
}

/** Parses the bench's arguments; throws OptionsError naming the option on anything it cannot use. */
export function parseHundredOptions(args: readonly string[]): HundredOptions {
  const options: HundredOptions = { communities: [10, 30, 100], durationS: 10, concurrency: 8, perProcess: 10, poolSize: 2, keep: false, help: false };
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i]!;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => (inline !== undefined ? inline : args[++i]);
    switch (flag) {
      case '--communities': {
        const raw = value();
        const sizes = (raw ?? '').split(',').map((s) => integer('--communities', s.trim(), 1, MAX_SIMULATED));
        if (sizes.some((n, k) => k > 0 && n <= sizes[k - 1]!)) throw new OptionsError(`--communities must be ascending without repeats, got ${raw}`);
        options.communities = sizes;
        break;
      }
      case '--duration':
        options.durationS = integer('--duration', value(), 1, 600);
        break;
      case '--concurrency':
        options.concurrency = integer('--concurrency', value(), 1, 256);
        break;
      case '--per-process':
        options.perProcess = integer('--per-process', value(), 1, MAX_SIMULATED);
        break;
      case '--pool-size':
        options.poolSize = integer('--pool-size', value(), 2, 20);
        break;
      case '--keep':
        options.keep = true;
        break;
      case '--json': {
        const file = value();
        if (!file || file.startsWith('--')) throw new OptionsError('--json needs a file name');
        options.json = file;
        break;
      }
      case '--help':
      case '-h':
        options.help = true;
        break;
      default:
        throw new OptionsError(`unknown option ${JSON.stringify(arg)}`);
    }
  }
  return options;
}
