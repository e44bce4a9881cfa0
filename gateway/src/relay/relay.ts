/**
 * The hub's relay: carries steps between community nodes, so that a change spanning two communities (a volunteer
 * borrowed by a neighbouring community) completes although no node ever calls another. The steps live in the
 * origin node's database until settled; the relay holds no state of its own, so any number of hub replicas may
 * run it, and a hub that dies mid-step leaves the step for the next sweep.
 *
 * For each community with steps waiting: ask it for them (`pending`), hand each to its target (`apply`), and give
 * the target's outcome back to the origin (`settle`). A target that cannot be reached leaves the step pending, to
 * be carried again later; a target the directory does not know refuses it. The relay runs when a node's answer says
 * it queued steps (at once, before the answer goes back to the client) and on a timer (every 2 s by default), so
 * steps left by a node that died, or by the nodes' own schedulers, are carried too.
 */
import type { Logger, RelayOutcome, RemoteStep } from '@lilong/kit/src/hub';
import type { Directory } from '../directory/directory';
import { CommunityUnavailable, type CommunityLinks } from '../routing/community-links';

export interface RelayOptions {
  /** How often every community is asked for steps waiting, in ms; 0 turns the timer off. @default 2000 */
  intervalMs: number;
  /** Most steps carried per community per round. @default 20 */
  batch: number;
}

export const DEFAULT_RELAY_OPTIONS: RelayOptions = { intervalMs: 2000, batch: 20 };

export class Relay {
  private readonly running = new Map<string, Promise<number>>();
  private readonly again = new Set<string>();
  private timer?: NodeJS.Timeout;
  private sweeping?: Promise<void>;
  /** Steps carried since start, by outcome: applied, refused (by the target), left (target unreachable). */
  readonly carried = { applied: 0, refused: 0, left: 0 };

  constructor(
    private readonly directory: Directory,
    private readonly links: CommunityLinks,
    private readonly log: Pick<Logger, 'info' | 'warn'>,
    private readonly options: RelayOptions = DEFAULT_RELAY_OPTIONS,
  ) {}

  start(): void {
    if (this.options.intervalMs <= 0 || this.timer) return;
    this.timer = setInterval(() => {
      if (!this.sweeping) this.sweeping = this.sweep().finally(() => (this.sweeping = undefined));
    }, this.options.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.sweeping;
    await Promise.allSettled(this.running.values());
  }

  /** Every community's steps, once. */
  async sweep(): Promise<void> {
    await Promise.allSettled(this.directory.fanoutTargets().map((code) => this.carry(code)));
  }

  /**
   * Carries a community's waiting steps now; resolves with how many were settled. Concurrent calls for one
   * community share one run (and one more after it, if asked meanwhile), so a step is never carried twice at once
   * by this hub. Never throws.
   */
  carry(code: string): Promise<number> {
    const current = this.running.get(code);
    if (current) {
      this.again.add(code);
      return current;
    }
    const run = this.drain(code)
      .catch((error: unknown) => {
        this.log.warn('relay round failed; the steps wait for the next', { community: code, detail: (error as Error).message });
        return 0;
      })
      .finally(() => {
        this.running.delete(code);
        if (this.again.delete(code)) void this.carry(code);
      });
    this.running.set(code, run);
    return run;
  }

  private async drain(code: string): Promise<number> {
    let settled = 0;
    for (let round = 0; round < 10; round++) {
      let steps: RemoteStep[];
      try {
        steps = ((await this.links.relay(code, { op: 'pending', limit: this.options.batch })).steps ?? []) as RemoteStep[];
      } catch (error) {
        if (error instanceof CommunityUnavailable) return settled;
        throw error;
      }
      if (steps.length === 0) return settled;
      let progressed = false;
      for (const step of steps) {
        const outcome = await this.deliver(code, step);
        if (!outcome) continue;
        try {
          await this.links.relay(code, { op: 'settle', stepId: step.id, outcome });
        } catch (error) {
          if (error instanceof CommunityUnavailable) return settled;
          throw error;
        }
        settled += 1;
        progressed = true;
        this.carried[outcome.ok ? 'applied' : 'refused'] += 1;
      }
      if (!progressed) return settled;
    }
    return settled;
  }

  /** The target's outcome of a step, or undefined when it cannot be had now (the step waits). */
  private async deliver(origin: string, step: RemoteStep): Promise<RelayOutcome | undefined> {
    if (!this.directory.get(step.target)) {
      return { ok: false, code: 'UNKNOWN_COMMUNITY', message: `There is no community "${step.target}" in this sub-district.`, messageZh: `本街道没有编号为 "${step.target}" 的社区。` };
    }
    try {
      const answer = await this.links.relay(step.target, { op: 'apply', origin, step });
      const outcome = answer.outcome as RelayOutcome | undefined;
      if (!outcome || typeof outcome.ok !== 'boolean') throw new CommunityUnavailable(step.target, 'BAD_RESPONSE', 'relay apply answered without an outcome');
      return outcome;
    } catch (error) {
      if (!(error instanceof CommunityUnavailable)) throw error;
      this.carried.left += 1;
      return undefined;
    }
  }
}
