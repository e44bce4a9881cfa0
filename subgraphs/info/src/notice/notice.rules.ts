import { badInput, requireText } from '@lilong/kit';

/** How long a notice's fields may be, and the window its validity may start in. */
export const NOTICE_LIMITS = { title: 100, body: 5000, compounds: 50, startsBackMs: 24 * 3600_000, startsAheadMs: 30 * 24 * 3600_000, lastsMs: 366 * 24 * 3600_000 } as const;

export interface NoticeText {
  title: string;
  body: string;
  validFrom: Date;
  validUntil: Date | null;
}

/** Checks what a committee typed; `now` is when it is published. */
export function checkNoticeText(input: { title: string; body: string; validFrom?: Date | null; validUntil?: Date | null }, now: Date): NoticeText {
  const title = requireText(input.title, 'input.title', NOTICE_LIMITS.title);
  const body = requireText(input.body, 'input.body', NOTICE_LIMITS.body);
  const validFrom = input.validFrom ?? now;
  if (validFrom.getTime() < now.getTime() - NOTICE_LIMITS.startsBackMs || validFrom.getTime() > now.getTime() + NOTICE_LIMITS.startsAheadMs) {
    throw badInput('input.validFrom', 'must be between a day ago and 30 days ahead.', '须在一天前至三十天后之间。');
  }
  const validUntil = input.validUntil ?? null;
  if (validUntil && (validUntil.getTime() <= validFrom.getTime() || validUntil.getTime() > validFrom.getTime() + NOTICE_LIMITS.lastsMs)) {
    throw badInput('input.validUntil', 'must be after validFrom and within a year of it.', '须晚于生效时间，且不超过一年。');
  }
  return { title, body, validFrom, validUntil };
}

/** Whether a notice applies at `at`: its validity has begun and not ended (supersession aside). */
export function inValidity(notice: { validFrom: Date; validUntil: Date | null }, at: Date): boolean {
  return notice.validFrom.getTime() <= at.getTime() && (notice.validUntil === null || at.getTime() <= notice.validUntil.getTime());
}
