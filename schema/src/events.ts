/**
 * Live events 实时事件: what a community's node tells about its state changes, in one vocabulary for the node that
 * writes them (its outbox, in the same transaction as the change), the hub that streams them to subscribers, and
 * the partner apps that receive them. Each event has a per-community sequence number, gapless and in commit order:
 * its ID is `<community>:<sequence>`, e.g. `fahua:120`.
 */

/** The kinds of event, with what each means. */
export const EVENT_TYPES = {
  STOCK_CHANGED: { en: "A product's stock changed (a delivery, a count, a reservation, a release, a hand-over).", zh: '商品库存变化' },
  LOW_STOCK: { en: "A product's available units fell to its low-stock threshold or below.", zh: '库存紧张' },
  GROUP_ORDER_OPENED: { en: 'A group order opened for sign-ups.', zh: '团购开团' },
  GROUP_ORDER_FORMED: { en: 'A group order reached its minimum and formed.', zh: '团购成团' },
  GROUP_ORDER_FAILED: { en: 'A group order closed without forming.', zh: '团购未成团' },
  GROUP_ORDER_HANDED_OVER: { en: 'A group order was handed over to the group.', zh: '团购已交付' },
  SIGN_UPS_CHANGED: { en: "A group order's sign-ups changed.", zh: '团购报名变化' },
  POOL_PROGRESS: { en: "A pool's signed-up quantity changed (a sign-up in a joined order, a join, a leave).", zh: '拼单进度变化' },
  POOL_CLOSED: { en: 'A pool closed: formed or failed.', zh: '拼单结束' },
  CARE_REQUEST_STATUS: { en: "A care request's status changed.", zh: '求助状态变化' },
  NOTICE_PUBLISHED: { en: 'The committee published a signed notice.', zh: '居委发布通知' },
  DIGEST_PUBLISHED: { en: 'The information officers published a signed digest.', zh: '发布信息简报' },
  QUESTION_ANSWERED: { en: "A resident's question was answered.", zh: '问题已回答' },
} as const;

export type EventType = keyof typeof EVENT_TYPES;

export const isEventType = (value: unknown): value is EventType => typeof value === 'string' && Object.prototype.hasOwnProperty.call(EVENT_TYPES, value);

/**
 * What an event is about, by global ID: the records a subscriber or a partner filters on (`pool`, `product`,
 * `groupOrder`, `careRequest`, `notice`, `digest`, `question`, `shop`, `household`).
 */
export type EventSubjects = Partial<Record<'pool' | 'product' | 'groupOrder' | 'careRequest' | 'notice' | 'digest' | 'question' | 'shop' | 'household', string>>;

/** An event as the node's outbox keeps it and the hub carries it. */
export interface LiveEvent {
  /** `<community>:<sequence>`. */
  id: string;
  community: string;
  /** Per community, from 1, gapless, in commit order. */
  sequence: number;
  type: EventType;
  /** When the change was written (just before its transaction committed), ISO 8601. */
  at: string;
  subjects: EventSubjects;
  /** A few figures as they stood at the change (e.g. `{ status: "FORMED" }`, `{ available: 3 }`); never a name or an address. */
  data: Record<string, string | number | boolean | null>;
}

const EVENT_ID = /^([a-z][a-z0-9-]{1,31}):(0|[1-9][0-9]{0,15})$/;

/** The parts of an event ID, or undefined when it is not one. Sequence 0 means "before the first event". */
export function parseEventId(id: string): { community: string; sequence: number } | undefined {
  const match = EVENT_ID.exec(id);
  if (!match) return undefined;
  const sequence = Number(match[2]);
  return Number.isSafeInteger(sequence) ? { community: match[1]!, sequence } : undefined;
}

export const eventIdOf = (community: string, sequence: number): string => `${community}:${sequence}`;

/** The node's endpoint the hub reads a community's events from (long polling, the hub's relay grant only). */
export const EVENTS_PATH = '/events';

/** Most events one read returns. */
export const MAX_EVENTS_PER_READ = 500;

/** The node's answer to an events read. */
export interface EventsAnswer {
  /** The community's last sequence number when it answered. */
  head: number;
  /** The events after the one asked for, in order, at most the limit asked for. */
  events: LiveEvent[];
  /** The oldest sequence number still kept (older ones were pruned); a read after an older one has a gap. */
  oldest: number;
}
