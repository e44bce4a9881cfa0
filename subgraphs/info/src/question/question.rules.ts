import { QuestionStatus } from './question.entity';

/**
 * The rules of the Q&A list 问答, in one place:
 * - A question is asked by a resident of the household (or a helper the committee recorded for it), 1-500
 *   characters; it is shown by where it was asked from: "compound building" (e.g. "新华一村 8号楼") to everyone, the
 *   full building-unit-room only to the household and the community's information staff. Never a name.
 * - Only OPEN questions are answered (1-2000 characters), closed (with a reason, 1-200) or merged into another.
 * - A duplicate is merged into a question of the same community that is not itself merged; the duplicates merged
 *   into it follow it, so a merged question's target is never merged and `askedCount` counts one level.
 * - `waitedMinutes`: how long the asker waited, in whole minutes: until now while open, until the answer once
 *   answered, until it was closed or merged otherwise.
 * - Lists: open questions oldest first (longest waiting at the top), answered ones newest answer first, closed and
 *   merged ones newest first.
 */
export const QUESTION_LIMITS = { text: 500, answer: 2000, reason: 200, list: 200 } as const;

/** "新华一村 8号楼": the compound and the building; a building named by its number gets 号楼. */
export function askedFromLabel(compoundName: string, building: string): string {
  const b = building.trim();
  if (b === '') return compoundName;
  return `${compoundName} ${/^\d+$/.test(b) ? `${b}号楼` : b}`;
}

export function waitedMinutes(q: { status: QuestionStatus; askedAt: Date; answeredAt: Date | null; closedAt: Date | null }, now: Date): number {
  const until = q.status === QuestionStatus.OPEN ? now : q.status === QuestionStatus.ANSWERED ? q.answeredAt ?? now : q.closedAt ?? now;
  return Math.max(0, Math.floor((until.getTime() - q.askedAt.getTime()) / 60_000));
}
