/**
 * What one request may spend at a community node, and how the node stops one that spends more or that its caller
 * has abandoned. A request's budget lives in an AsyncLocalStorage for the whole of its handling, so that every
 * place work can start checks it without being handed it: before each field resolver (the Apollo plugin in
 * `server.ts`), before each SQL statement and before each commit (`orm.ts`). Once a budget is spent the request's
 * AbortSignal fires, every further check throws the same coded error, and the answer is that one error.
 *
 * A statement already sent runs on until PostgreSQL's `statement_timeout` (see `DatabaseLimits`); a transaction
 * stopped before its commit rolls back, so a cancelled mutation never half-applies.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';
import { lilongError } from '@lilong/schema';
import type { GraphQLError } from 'graphql';

export interface RequestLimits {
  /**
   * Wall time of one query at the node, in ms. Keep it at or above the hub's per-call timeout (2500 ms by default):
   * the hub gives up first and the node stops soon after, instead of computing answers nobody reads. @default 3000
   */
  queryMs: number;
  /** Wall time of one mutation, in ms; at or above the hub's mutation timeout (15000 ms by default). @default 20000 */
  mutationMs: number;
  /**
   * Field values resolved for one request. This is what an answer's memory grows with: a query nested 15 levels
   * deep through lists asks for millions of them. @default 100000
   */
  maxFields: number;
}

export const DEFAULT_REQUEST_LIMITS: RequestLimits = { queryMs: 3000, mutationMs: 20_000, maxFields: 100_000 };

/** Why a request was stopped, as `extensions.reason`. */
export type BudgetReason = 'TIME' | 'FIELDS' | 'ABANDONED' | 'STATEMENT_TIMEOUT';

const REASONS: Record<BudgetReason, (limit?: number) => { en: string; zh: string }> = {
  TIME: (ms) => ({ en: `ran past the community node's time limit of ${ms} ms`, zh: `超过社区节点的时间上限（${ms} 毫秒）` }),
  FIELDS: (max) => ({ en: `would resolve more than ${max} fields, more than a community node serves in one request`, zh: `需要解析的字段超过社区节点单次请求的上限（${max} 个）` }),
  ABANDONED: () => ({ en: 'was closed by its caller before the answer', zh: '在应答前已被请求方关闭' }),
  STATEMENT_TIMEOUT: () => ({ en: "ran a database statement past the node's statement timeout", zh: '有一条数据库语句超过节点的语句时限' }),
};

/** The error of a request the node stopped; `limit`, when there is one, is in the reason's unit (ms or fields). */
export function budgetExceeded(reason: BudgetReason, limit: number | undefined, mutation: boolean): GraphQLError {
  const why = REASONS[reason](limit);
  const advice = mutation
    ? {
        en: 'A change it was making was rolled back unless already saved: retry with the same idempotency key to find out.',
        zh: '未保存的更改已回滚；请用同一幂等键重试以确认结果。',
      }
    : { en: 'Ask for less at once: fewer fields, or page through lists.', zh: '请减少单次请求的内容，或分页查询。' };
  return lilongError(
    'REQUEST_BUDGET_EXCEEDED',
    { en: `The community node stopped this request: it ${why.en}. ${advice.en}`, zh: `社区节点已停止本请求：该请求${why.zh}。${advice.zh}` },
    { reason, ...(limit === undefined ? {} : { limit }) },
  );
}

/** How often the field counter looks at the clock: the timer cannot fire while resolvers run synchronously. */
const CLOCK_EVERY_FIELDS = 128;

export class RequestBudget {
  private readonly controller = new AbortController();
  private readonly started = performance.now();
  private deadline: number;
  private timer: NodeJS.Timeout;
  private fields = 0;
  private mutation = false;

  constructor(private readonly limits: RequestLimits) {
    this.deadline = this.started + limits.queryMs;
    this.timer = this.arm(limits.queryMs);
  }

  /** Aborts when the request is over budget or abandoned; its reason is the request's coded error. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get isMutation(): boolean {
    return this.mutation;
  }

  /** The coded error the request was stopped with, if it was. */
  get stopped(): GraphQLError | undefined {
    return this.controller.signal.aborted ? (this.controller.signal.reason as GraphQLError) : undefined;
  }

  /** The operation is a mutation: the mutation time limit applies, counted from the request's arrival. */
  markMutation(): void {
    if (this.mutation || this.stopped) return;
    this.mutation = true;
    clearTimeout(this.timer);
    this.deadline = this.started + this.limits.mutationMs;
    this.timer = this.arm(this.deadline - performance.now());
  }

  /** Throws the request's coded error once it is over budget or abandoned. */
  check(): void {
    if (!this.controller.signal.aborted && performance.now() > this.deadline) this.timeUp();
    this.throwIfStopped();
  }

  /** Counts one field about to be resolved, and checks the budget. */
  countField(): void {
    this.fields += 1;
    if (this.fields > this.limits.maxFields) this.stop('FIELDS', this.limits.maxFields);
    else if (this.fields % CLOCK_EVERY_FIELDS === 0) this.check();
    this.throwIfStopped();
  }

  /** The caller closed the connection before the answer was sent. */
  abandon(): void {
    this.stop('ABANDONED');
  }

  /** The request is answered: the timer goes. */
  finish(): void {
    clearTimeout(this.timer);
  }

  stop(reason: BudgetReason, limit?: number): void {
    if (this.controller.signal.aborted) return;
    clearTimeout(this.timer);
    this.controller.abort(budgetExceeded(reason, limit, this.mutation));
  }

  private throwIfStopped(): void {
    if (this.controller.signal.aborted) throw this.controller.signal.reason;
  }

  private timeUp(): void {
    this.stop('TIME', this.mutation ? this.limits.mutationMs : this.limits.queryMs);
  }

  private arm(ms: number): NodeJS.Timeout {
    const timer = setTimeout(() => this.timeUp(), Math.max(0, ms));
    timer.unref();
    return timer;
  }
}

const budgets = new AsyncLocalStorage<RequestBudget>();

/** Runs `work` (the whole handling of one request) with `budget` as its budget. */
export function withBudget<T>(budget: RequestBudget, work: () => T): T {
  return budgets.run(budget, work);
}

/** The budget of the request being handled, or undefined outside requests (start-up, background jobs). */
export function currentBudget(): RequestBudget | undefined {
  return budgets.getStore();
}
