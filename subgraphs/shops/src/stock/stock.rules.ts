/**
 * The rules of a stock change, as pure functions over numbers: every mutation (single, batch, CSV) and the Product
 * entity itself ask these, so a refusal reads the same wherever it comes from. Each returns a problem (a code and a
 * bilingual sentence) or the new count; callers decide whether to throw it at once or collect it with others.
 */
import type { ErrorCode } from '@lilong/schema';

/** Most units one product may have on the shelf; also the largest single adjustment. */
export const MAX_ON_HAND = 1_000_000;
/** Longest reason kept in the audit trail, in characters. */
export const MAX_REASON_LENGTH = 200;

export interface StockProblem {
  code: Extract<ErrorCode, 'BAD_USER_INPUT' | 'NOT_FOUND' | 'CONFLICT'>;
  en: string;
  zh: string;
}

/** What the rules need of a product row. */
export interface StockLevels {
  onHand: number;
  reserved: number;
}

export interface VersionedStock extends StockLevels {
  stockVersion: number;
}

/** "Set the count to `onHand`" or "add `delta` (negative: remove)", optionally only if the version is still `expectedVersion`. */
export type StockOp =
  | { kind: 'set'; onHand: number; expectedVersion?: number | null }
  | { kind: 'adjust'; delta: number; expectedVersion?: number | null };

export const problem = (code: StockProblem['code'], en: string, zh: string): StockProblem => ({ code, en, zh });
const bad = (en: string, zh: string) => problem('BAD_USER_INPUT', en, zh);

/** Thousands separators, so that "1,000,000" is not misread as three numbers. */
export const n = (value: number): string => value.toLocaleString('en-US');

export function onHandValueProblem(onHand: number): StockProblem | undefined {
  if (!Number.isInteger(onHand)) return bad(`on hand must be a whole number, got ${onHand}.`, `在架数量必须是整数，收到 ${onHand}。`);
  if (onHand < 0) return bad(`on hand cannot be negative, got ${onHand}.`, `在架数量不能为负数，收到 ${onHand}。`);
  if (onHand > MAX_ON_HAND) return bad(`on hand must be at most ${n(MAX_ON_HAND)}, got ${n(onHand)}.`, `在架数量不能超过 ${n(MAX_ON_HAND)}，收到 ${n(onHand)}。`);
  return undefined;
}

export function deltaValueProblem(delta: number): StockProblem | undefined {
  if (!Number.isInteger(delta)) return bad(`delta must be a whole number, got ${delta}.`, `变动数量必须是整数，收到 ${delta}。`);
  if (delta === 0) return bad('delta must not be 0: nothing would change.', '变动数量不能为 0：不会有任何变化。');
  if (Math.abs(delta) > MAX_ON_HAND) {
    return bad(`delta must be between -${n(MAX_ON_HAND)} and ${n(MAX_ON_HAND)}, got ${n(delta)}.`, `变动数量必须在 -${n(MAX_ON_HAND)} 到 ${n(MAX_ON_HAND)} 之间，收到 ${n(delta)}。`);
  }
  return undefined;
}

/**
 * The count a product would have after `onHand` is set, or why not: a count may not fall below what is already
 * promised to accepted orders (the `reserved <= on_hand` check constraint would refuse it anyway, unreadably).
 */
export function setProblem(stock: StockLevels, onHand: number): StockProblem | undefined {
  if (onHand >= stock.reserved) return undefined;
  return bad(
    `cannot count ${n(onHand)} on hand: ${n(stock.reserved)} are already reserved for accepted orders (${n(stock.onHand)} on hand now). Count at least ${n(stock.reserved)}, or release orders first.`,
    `在架数量不能设为 ${n(onHand)}：已有 ${n(stock.reserved)} 件为已接受的订单预留（当前在架 ${n(stock.onHand)}）。请至少填写 ${n(stock.reserved)}，或先释放订单。`,
  );
}

/** Why adding `delta` to the count is refused, if it is: below zero, below what is reserved, or above the limit. */
export function adjustProblem(stock: StockLevels, delta: number): StockProblem | undefined {
  const after = stock.onHand + delta;
  if (after > MAX_ON_HAND) {
    return bad(
      `adding ${n(delta)} to the ${n(stock.onHand)} on hand would make ${n(after)}, more than the limit of ${n(MAX_ON_HAND)}.`,
      `在架 ${n(stock.onHand)} 再加 ${n(delta)} 将达到 ${n(after)}，超过上限 ${n(MAX_ON_HAND)}。`,
    );
  }
  if (after >= stock.reserved && after >= 0) return undefined;
  const removable = Math.max(0, stock.onHand - stock.reserved);
  if (stock.reserved === 0) {
    return bad(
      `cannot remove ${n(-delta)}: only ${n(stock.onHand)} on hand.`,
      `无法减少 ${n(-delta)}：在架只有 ${n(stock.onHand)}。`,
    );
  }
  return bad(
    `cannot remove ${n(-delta)}: ${n(stock.reserved)} of the ${n(stock.onHand)} on hand are reserved for accepted orders, so at most ${n(removable)} can be removed.`,
    `无法减少 ${n(-delta)}：在架 ${n(stock.onHand)} 件中已有 ${n(stock.reserved)} 件为已接受的订单预留，最多只能减少 ${n(removable)}。`,
  );
}

/** CONFLICT when the merchant's copy is stale, saying what the stock is now so they can decide again. */
export function versionProblem(stock: VersionedStock, expectedVersion: number | null | undefined): StockProblem | undefined {
  if (expectedVersion == null || expectedVersion === stock.stockVersion) return undefined;
  return problem(
    'CONFLICT',
    `the stock changed since version ${expectedVersion}: it is now version ${stock.stockVersion} with ${n(stock.onHand)} on hand (${n(stock.reserved)} reserved). Check the new count and send it again with expectedVersion ${stock.stockVersion}.`,
    `库存在版本 ${expectedVersion} 之后已被修改：现为版本 ${stock.stockVersion}，在架 ${n(stock.onHand)}（预留 ${n(stock.reserved)}）。请核对后以版本号（expectedVersion）${stock.stockVersion} 重新提交。`,
  );
}

/** The new count for `op`, or the first reason it is refused (a stale version first: the rest would be judged on old numbers). */
export function planStockOp(stock: VersionedStock, op: StockOp): { onHand: number } | { problem: StockProblem } {
  const stale = versionProblem(stock, op.expectedVersion);
  if (stale) return { problem: stale };
  const refused = op.kind === 'set' ? setProblem(stock, op.onHand) : adjustProblem(stock, op.delta);
  if (refused) return { problem: refused };
  return { onHand: op.kind === 'set' ? op.onHand : stock.onHand + op.delta };
}

/** A reason as kept in the audit trail: trimmed, empty as none, at most MAX_REASON_LENGTH characters. */
export function reasonProblem(reason: string | null | undefined): StockProblem | undefined {
  if (reason != null && reason.trim().length > MAX_REASON_LENGTH) {
    return bad(`the reason must be at most ${MAX_REASON_LENGTH} characters.`, `原因不能超过 ${MAX_REASON_LENGTH} 个字符。`);
  }
  return undefined;
}

export function normalReason(reason: string | null | undefined): string | null {
  const text = reason?.trim() ?? '';
  return text.length > 0 ? text : null;
}
