import { DEFAULT_RESTART_POLICY, decideRestart } from '../restart-policy';

const S = 1000;

describe('the restart policy', () => {
  it('waits 0.5 s, then doubles, and gives up at the 5th crash within a minute', () => {
    let crashes: number[] = [];
    const delays: (number | 'give up')[] = [];
    for (let i = 0; i < 5; i++) {
      const decision = decideRestart(crashes, 1_000_000 + i * S);
      delays.push(decision.restart ? decision.delayMs : 'give up');
      crashes = decision.crashes;
    }
    expect(delays).toEqual([500, 1000, 2000, 4000, 'give up']);
  });

  it('forgets crashes older than the window: a process that stays up starts again from 0.5 s', () => {
    const now = 10_000_000;
    const earlier = [now - 200 * S, now - 120 * S, now - 61 * S, now - 10 * S];
    const decision = decideRestart(earlier, now);
    expect(decision).toEqual({ restart: true, delayMs: 1000, crashes: [now - 10 * S, now] });
    expect(decideRestart([now - 60 * S], now)).toMatchObject({ restart: true, delayMs: 500 });
  });

  it('never waits longer than the cap, whatever the count', () => {
    const policy = { ...DEFAULT_RESTART_POLICY, maxCrashes: 100 };
    const now = 5_000_000;
    const earlier = Array.from({ length: 20 }, (_, i) => now - (i + 1) * 100);
    expect(decideRestart(earlier, now, policy)).toMatchObject({ restart: true, delayMs: 10_000 });
  });
});
