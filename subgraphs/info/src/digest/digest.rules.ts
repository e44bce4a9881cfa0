import { badInput, requireText } from '@lilong/kit';
import { shanghaiTime, type DigestItemPayload } from '@lilong/schema';

/**
 * The rules of digests 信息简报, in one place:
 * - A digest covers the period (previous published digest's periodTo, periodTo]; the first one starts just before
 *   the community's first notice, answered question or dated news of another domain.
 * - Its items: notices published and questions answered in the period (this domain), then the other domains' news
 *   of it (group orders formed or failed, pools near their minimum, low stock, care tasks done), oldest first.
 * - The node makes a draft by itself once `intervalMinutes` (15-240, default 60) have passed since the period's
 *   start and no draft is open; staff may make or refresh the draft at any time (a refresh remakes the items and
 *   moves periodTo to now; title and body are kept once edited).
 * - Staff edit a draft's title (1-100), body (0-5000) and items (at most 100; kind A-Z/0-9/_ up to 40, text 1-300,
 *   ref up to 200); publishing signs it and it is never edited again.
 */
export const DIGEST_LIMITS = { title: 100, body: 5000, items: 100, kind: 40, text: 300, ref: 200, minMinutes: 15, maxMinutes: 240, defaultMinutes: 60, list: 100 } as const;

const KIND_PATTERN = /^[A-Z][A-Z0-9_]*$/;

/** Whether a draft is due at `now` for a period that starts just after `from`. */
export function draftDue(from: Date, intervalMinutes: number, now: Date): boolean {
  return now.getTime() - from.getTime() >= intervalMinutes * 60_000;
}

export function defaultTitle(to: Date): string {
  return `信息简报 ${shanghaiTime(to.toISOString())}`;
}

export function defaultBody(from: Date, to: Date, items: readonly DigestItemPayload[]): string {
  const count = (kind: string) => items.filter((i) => i.kind === kind).length;
  const others = items.length - count('NOTICE_PUBLISHED') - count('QUESTION_ANSWERED');
  return `${shanghaiTime(from.toISOString())} 至 ${shanghaiTime(to.toISOString())}：居委通知 ${count('NOTICE_PUBLISHED')} 条，答复问题 ${count('QUESTION_ANSWERED')} 条，其他动态 ${others} 条。`;
}

/** "…" after `max` characters. */
export function shorten(text: string, max: number): string {
  const chars = [...text.replace(/\s+/g, ' ').trim()];
  return chars.length <= max ? chars.join('') : `${chars.slice(0, max).join('')}…`;
}

/** Checks items as staff typed them. */
export function checkItems(items: readonly { kind: string; text: string; ref?: string | null }[]): DigestItemPayload[] {
  if (items.length > DIGEST_LIMITS.items) throw badInput('input.items', `may hold at most ${DIGEST_LIMITS.items} items.`, `最多 ${DIGEST_LIMITS.items} 条。`);
  return items.map((item, i) => {
    const kind = item.kind.trim();
    if (!KIND_PATTERN.test(kind) || kind.length > DIGEST_LIMITS.kind) {
      throw badInput(`input.items[${i}].kind`, `must be capital letters, digits and _ (up to ${DIGEST_LIMITS.kind}).`, `须为大写字母、数字和下划线（不超过 ${DIGEST_LIMITS.kind} 个字符）。`);
    }
    const ref = item.ref?.trim() ? requireText(item.ref, `input.items[${i}].ref`, DIGEST_LIMITS.ref) : null;
    return { kind, text: requireText(item.text, `input.items[${i}].text`, DIGEST_LIMITS.text), ref };
  });
}
