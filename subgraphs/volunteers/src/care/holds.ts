/**
 * A volunteer's holds on tasks (`CareCommitment`), kept in the volunteer's own community. Taking a hold locks the
 * volunteer's row, so two dispatchers giving the same volunteer two tasks at once are served one after the other:
 * the second sees the first's hold and is refused with VOLUNTEER_BUSY. Every change of a hold keeps the volunteer's
 * `activeTasks` (their workload) equal to their HELD holds.
 */
import { globalIdOf } from '@lilong/kit';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { lilongError } from '@lilong/schema';
import { Volunteer } from '../volunteer/volunteer.entity';
import { CareCommitment } from './care.entity';
import { CommitmentState } from './care.enums';

/** The key of a request's current offer's hold: `<request's global ID>#<offer number>`. */
export const holdKeyOf = (community: string, request: { localId: number; offerCount: number }): string =>
  `${globalIdOf(community, 'CareRequest', request.localId)}#${request.offerCount}`;

export interface HoldRequest {
  volunteerLocalId: number;
  volunteerId: string;
  taskId: string;
  holdKey: string;
  windowStart: Date;
  windowEnd: Date;
}

/**
 * Holds the volunteer for the task's window, in the caller's transaction; the same `holdKey` again returns the
 * existing hold (a retried step). Refused with VOLUNTEER_BUSY when another HELD hold overlaps the window.
 */
export async function takeHold(em: EntityManager, request: HoldRequest, now: Date): Promise<CareCommitment> {
  const volunteer = await em.findOne(Volunteer, { localId: request.volunteerLocalId }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
  if (!volunteer) throw lilongError('NOT_FOUND', { en: `No volunteer ${request.volunteerId}.`, zh: `没有志愿者 ${request.volunteerId}。` }, { id: request.volunteerId });
  const existing = await em.findOne(CareCommitment, { holdKey: request.holdKey });
  if (existing) return existing;
  // Read after the lock: a hold another transaction committed meanwhile is seen here.
  const clash = await em.findOne(
    CareCommitment,
    { volunteer, state: CommitmentState.HELD, windowStart: { $lt: request.windowEnd }, windowEnd: { $gt: request.windowStart } },
    { refresh: true },
  );
  if (clash) {
    throw lilongError(
      'VOLUNTEER_BUSY',
      {
        en: `Volunteer ${request.volunteerId} already holds a task from ${clash.windowStart.toISOString()} to ${clash.windowEnd.toISOString()}, overlapping this one.`,
        zh: `志愿者 ${request.volunteerId} 在该时段已有任务（${clash.windowStart.toISOString()} 至 ${clash.windowEnd.toISOString()}）。`,
      },
      { volunteerId: request.volunteerId },
    );
  }
  volunteer.activeTasks += 1;
  volunteer.updatedAt = now;
  return em.create(CareCommitment, {
    volunteer,
    taskId: request.taskId,
    holdKey: request.holdKey,
    windowStart: request.windowStart,
    windowEnd: request.windowEnd,
    state: CommitmentState.HELD,
    createdAt: now,
  });
}

/** Ends a hold (RELEASED, or DONE when the task was done); a hold already ended, or none, is left as it is. */
export async function endHold(em: EntityManager, holdKey: string, state: CommitmentState.RELEASED | CommitmentState.DONE, reason: string, now: Date): Promise<void> {
  const hold = await em.findOne(CareCommitment, { holdKey }, { populate: ['volunteer'], refresh: true });
  if (!hold || hold.state !== CommitmentState.HELD) return;
  await em.lock(hold.volunteer, LockMode.PESSIMISTIC_WRITE);
  await em.refresh(hold.volunteer);
  hold.state = state;
  hold.releasedAt = now;
  hold.reason = reason;
  hold.volunteer.activeTasks = Math.max(0, hold.volunteer.activeTasks - 1);
  hold.volunteer.updatedAt = now;
}
