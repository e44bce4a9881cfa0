import type { Logger } from '../log';
import { limitRepeats } from '../log-limiter';

function recorder() {
  const lines: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
  const log: Logger = {
    info: (message, fields) => void lines.push({ level: 'info', message, fields }),
    warn: (message, fields) => void lines.push({ level: 'warn', message, fields }),
    error: (message, _error, fields) => void lines.push({ level: 'error', message, fields }),
  };
  return { lines, log };
}

it('writes the first of a flood of identical errors, and then how many followed', () => {
  const { lines, log } = recorder();
  let now = 0;
  const limited = limitRepeats(log, { windowMs: 60_000, maxLinesPerWindow: 200, maxKinds: 1000 }, () => now);
  for (let i = 0; i < 55_000; i += 1) {
    now = i;
    limited.error('request failed', new Error(`Knex: Timeout acquiring a connection (attempt ${i})`));
  }
  expect(lines).toHaveLength(1);
  now = 61_000;
  limited.error('request failed', new Error('Knex: Timeout acquiring a connection (attempt 55000)'));
  expect(lines.map((l) => [l.message, l.fields?.repeated])).toEqual([
    ['request failed', undefined],
    ['request failed', 54_999],
    ['request failed', undefined],
  ]);
  limited.flush();
});

it('writes every kind once, but no more than its line budget per window', () => {
  const { lines, log } = recorder();
  let now = 0;
  const limited = limitRepeats(log, { windowMs: 1000, maxLinesPerWindow: 3, maxKinds: 1000 }, () => now);
  for (const kind of ['a', 'b', 'c', 'd', 'e']) limited.warn(`kind ${kind}`);
  expect(lines.map((l) => l.message)).toEqual(['kind a', 'kind b', 'kind c']);
  now = 1500;
  limited.warn('kind f');
  expect(lines.map((l) => [l.message, l.fields?.suppressed])).toEqual([
    ['kind a', undefined],
    ['kind b', undefined],
    ['kind c', undefined],
    ['log lines suppressed', 2],
    ['kind f', undefined],
  ]);
  limited.info('not limited');
  limited.info('not limited');
  expect(lines.filter((l) => l.level === 'info')).toHaveLength(2);
  limited.flush();
});

it('tells the count at shutdown', () => {
  const { lines, log } = recorder();
  const limited = limitRepeats(log);
  for (let i = 0; i < 3; i += 1) limited.warn('database unavailable', { reason: 'UNREACHABLE' });
  limited.flush();
  expect(lines.map((l) => l.fields)).toEqual([{ reason: 'UNREACHABLE' }, expect.objectContaining({ reason: 'UNREACHABLE', repeated: 2 })]);
});
