import { badInput } from '@lilong/kit';
import type { BilingualMessage } from '@lilong/schema';
import { MinimumKind } from './order.enums';

/** A deadline must leave at least this long to sign up: 5 s, so a leader can run a quick order, never a past one. */
export const MIN_DEADLINE_AHEAD_MS = 5_000;
export const MAX_DEADLINE_AHEAD_MS = 14 * 24 * 3600 * 1000;
/** No household needs more of one product from one order; a typo like 1000 is refused. */
export const MAX_UNITS_PER_LINE = 999;

const ZH_TIME = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: 'long',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** A time as Chinese messages write it, in Shanghai time: "2026年12月1日 17:05:00" (English ones use ISO 8601). */
export const zhTime = (at: Date): string => ZH_TIME.format(at);

export function checkDeadline(deadline: Date, now = Date.now()): void {
  const at = deadline.getTime();
  if (!Number.isFinite(at)) throw badInput('input.deadline', 'is not a valid time.', '不是有效的时间。');
  if (at < now + MIN_DEADLINE_AHEAD_MS) {
    throw badInput(
      'input.deadline',
      `${deadline.toISOString()} is in the past or less than 5 seconds ahead.`,
      `${zhTime(deadline)} 已过去或距现在不足 5 秒。`,
    );
  }
  if (at > now + MAX_DEADLINE_AHEAD_MS) throw badInput('input.deadline', 'must be within 14 days.', '必须在 14 天之内。');
}

export function checkMinimum(kind: MinimumKind, minimum: number): void {
  const max = kind === MinimumKind.HOUSEHOLDS ? 5000 : 1_000_000;
  if (!Number.isInteger(minimum) || minimum < 1 || minimum > max) {
    throw badInput('input.minimum', `must be a whole number from 1 to ${max}, got ${minimum}.`, `必须是 1 到 ${max} 之间的整数，收到 ${minimum}。`);
  }
}

/** A sign-up line's quantity: 0 (remove) up to the product's per-household limit. */
export function checkQuantity(quantity: number, limit: number | null | undefined, productName: string, index: number): void {
  const max = Math.min(limit ?? MAX_UNITS_PER_LINE, MAX_UNITS_PER_LINE);
  const argument = `input.lines[${index}].quantity`;
  if (!Number.isInteger(quantity) || quantity < 0) {
    throw badInput(argument, `must be a whole number of units, 0 or more; got ${quantity}.`, `必须是 0 或以上的整数，收到 ${quantity}。`);
  }
  if (quantity > max) {
    throw badInput(
      argument,
      `${quantity} is more than the ${max} one household may take of ${productName}.`,
      `${quantity} 超过每户限购的 ${max}（${productName}）。`,
    );
  }
}

/** What a group order's active sign-ups add up to: households, and units of all products together. */
export function signedUp(signUps: readonly { lines: { getItems(): readonly { quantity: number }[] } }[]): { households: number; quantity: number } {
  return {
    households: signUps.length,
    quantity: signUps.reduce((sum, s) => sum + s.lines.getItems().reduce((n, l) => n + l.quantity, 0), 0),
  };
}

export type MinimumVerdict = { reached: true; missing: 0 } | { reached: false; missing: number; reason: BilingualMessage };

/**
 * Whether an order reached its own minimum (the leader's 成团 condition), and if not, why, with the numbers. The one
 * rule for an order on its own at its close, for an order in a pool at the pool's close, and for `progress`.
 */
export function minimumVerdict(kind: MinimumKind, minimum: number, households: number, quantity: number): MinimumVerdict {
  const have = kind === MinimumKind.HOUSEHOLDS ? households : quantity;
  if (have >= minimum) return { reached: true as const, missing: 0 };
  return {
    reached: false as const,
    missing: minimum - have,
    reason:
      kind === MinimumKind.HOUSEHOLDS
        ? { en: `Only ${households} of the ${minimum} households needed signed up by the deadline.`, zh: `截止时仅 ${households} 户报名，未达到 ${minimum} 户的成团要求。` }
        : { en: `Only ${quantity} of the ${minimum} units needed were signed up by the deadline.`, zh: `截止时仅报名 ${quantity} 件，未达到 ${minimum} 件的成团要求。` },
  };
}

/** `minimumVerdict` for a group order and its active sign-ups. */
export function verdictOf(
  order: { minimumKind: MinimumKind; minimum: number },
  signUps: Parameters<typeof signedUp>[0],
): MinimumVerdict & { households: number; quantity: number } {
  const counts = signedUp(signUps);
  return { ...counts, ...minimumVerdict(order.minimumKind, order.minimum, counts.households, counts.quantity) };
}
