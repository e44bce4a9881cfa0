import { ReplayCache } from '../auth/replay-cache';

it('knows a nonce until it may be forgotten, then takes it again', () => {
  const cache = new ReplayCache(10);
  expect(cache.remember('a', 1_000, 0)).toBe('new');
  expect(cache.remember('a', 1_000, 999)).toBe('replayed');
  expect(cache.remember('a', 3_000, 1_001)).toBe('new');
});

it('holds no more than its capacity, and forgets expired nonces to make room', () => {
  const cache = new ReplayCache(3);
  for (const nonce of ['a', 'b', 'c']) expect(cache.remember(nonce, 1_000, 0)).toBe('new');
  // Full of live nonces: it cannot tell a replay apart, so it says so instead of forgetting one.
  expect(cache.remember('d', 1_000, 10)).toBe('full');
  expect(cache.size).toBe(3);
  expect(cache.remember('a', 1_000, 20)).toBe('replayed');
  // Once they expire there is room again.
  expect(cache.remember('d', 5_000, 1_001)).toBe('new');
  expect(cache.size).toBe(1);
});

it('finds expired nonces behind a live one when full', () => {
  const cache = new ReplayCache(2);
  cache.remember('long', 10_000, 0);
  cache.remember('short', 1_000, 0);
  expect(cache.remember('next', 12_000, 2_000)).toBe('new');
  expect(cache.remember('long', 10_000, 2_000)).toBe('replayed');
});
