/**
 * Borrowing a volunteer across a community line, as a saga of two writes carried by the hub's relay:
 *
 * 1. The task's community (the origin) offers the task to another community's volunteer: in the same transaction
 *    as the offer it writes a HOLD step (`RelayStep`), and the request waits with `holdPending`.
 * 2. The hub's relay carries the step to the volunteer's community, which holds the volunteer for the window
 *    (`takeHold`, keyed by the offer's hold key, so a step delivered twice holds once) or refuses (busy, unsuited).
 * 3. The relay reports the outcome to the origin, which settles the step: the hold is confirmed, or the offer is
 *    compensated (the request goes back to the queue, saying why).
 *
 * Every later change that ends the hold (declined, expired, cancelled, done, failed) writes a RELEASE or DONE step
 * the same way. A request's steps are carried one after the other, in order, so a release never overtakes its
 * hold. A node dying anywhere between the writes leaves its step PENDING in the origin's database; the relay
 * carries it again when the node is back, and the target's hold key makes the second delivery a no-op.
 */
import { failpoint, globalIdOf, localIdOf, type RelayOutcome, type RelayHooks, type RemoteStep } from '@lilong/kit';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { parseGlobalId } from '@lilong/schema';
import { GraphQLError } from 'graphql';
import { careStatusChanged } from '../events';
import type { Skill } from '../volunteer/skill';
import { Volunteer } from '../volunteer/volunteer.entity';
import { CareEvent, CareRequest, RelayStep, RelayStepKind, RelayStepState } from './care.entity';
import { CareStatus, CommitmentState } from './care.enums';
import { needsOf, shortfallOf } from './care.rules';
import { endHold, holdKeyOf, takeHold } from './holds';

/** What a HOLD step carries to the volunteer's community. */
interface HoldBody {
  kind: RelayStepKind;
  holdKey: string;
  taskId: string;
  volunteerId: string;
  windowStart: string;
  windowEnd: string;
  skills: Skill[];
  seats: number;
  reason?: string;
}

/** Queues a step for the relay in the caller's transaction. */
export function queueStep(em: EntityManager, community: string, request: CareRequest, kind: RelayStepKind, holdKey: string, reason: string): RelayStep {
  const volunteerId = request.volunteerId!;
  const needs = needsOf(request);
  const body: HoldBody = {
    kind,
    holdKey,
    taskId: globalIdOf(community, 'CareRequest', request.localId),
    volunteerId,
    windowStart: request.windowStart.toISOString(),
    windowEnd: request.windowEnd.toISOString(),
    skills: needs.skills,
    seats: needs.seats,
    reason,
  };
  return em.create(RelayStep, { request, target: parseGlobalId(volunteerId).community, kind, holdKey, body: body as unknown as Record<string, unknown> });
}

const refusedBy = (error: unknown): RelayOutcome | undefined => {
  if (!(error instanceof GraphQLError)) return undefined;
  const code = String(error.extensions.code ?? '');
  if (!['VOLUNTEER_BUSY', 'BAD_USER_INPUT', 'NOT_FOUND'].includes(code)) return undefined;
  return { ok: false, code, message: error.message, messageZh: String(error.extensions.messageZh ?? error.message) };
};

export const relayHooks: RelayHooks = {
  async pending(em, _community, limit) {
    // The oldest unsettled step of each request: every earlier one of that request is settled.
    const rows: { id: number; target: string; body: Record<string, unknown> }[] = await em.getConnection().execute(
      `select id, target, body from (
         select distinct on (request_id) id, target, body from relay_step where state = 'PENDING' order by request_id, id
       ) first_pending order by id limit ?`,
      [limit],
    );
    return rows.map((r): RemoteStep => ({ id: r.id, target: r.target, body: typeof r.body === 'string' ? JSON.parse(r.body) : r.body }));
  },

  async apply(em, community, origin, step) {
    const body = step.body as unknown as HoldBody;
    if (parseGlobalId(body.taskId).community !== origin) {
      return { ok: false, code: 'FORBIDDEN', message: `${origin} may only send steps about its own tasks.`, messageZh: `${origin} 只能发送其本社区任务的步骤。` };
    }
    try {
      const outcome = await em.transactional(async (t) => {
        const tem = t as EntityManager;
        const volunteerLocalId = localIdOf(community, body.volunteerId, 'Volunteer', 'volunteerId');
        const now = new Date();
        if (body.kind !== RelayStepKind.HOLD) {
          await endHold(tem, body.holdKey, body.kind === RelayStepKind.DONE ? CommitmentState.DONE : CommitmentState.RELEASED, body.reason ?? body.kind.toLowerCase(), now);
          return { ok: true } as RelayOutcome;
        }
        const volunteer = await tem.findOne(Volunteer, { localId: volunteerLocalId });
        if (!volunteer) return { ok: false, code: 'NOT_FOUND', message: `No volunteer ${body.volunteerId}.`, messageZh: `没有志愿者 ${body.volunteerId}。` } as RelayOutcome;
        const shortfall = shortfallOf(volunteer, { skills: body.skills, seats: body.seats });
        if (shortfall) {
          return {
            ok: false,
            code: 'BAD_USER_INPUT',
            message: `Volunteer ${body.volunteerId} cannot take the task: ${shortfall.en}.`,
            messageZh: `志愿者 ${body.volunteerId} 无法承担此任务：${shortfall.zh}。`,
          } as RelayOutcome;
        }
        await takeHold(
          tem,
          { volunteerLocalId, volunteerId: body.volunteerId, taskId: body.taskId, holdKey: body.holdKey, windowStart: new Date(body.windowStart), windowEnd: new Date(body.windowEnd) },
          now,
        );
        await tem.flush();
        failpoint('relay-apply:before-commit');
        return { ok: true, volunteerName: volunteer.displayName } as RelayOutcome;
      });
      failpoint('relay-apply:after-commit');
      return outcome;
    } catch (error) {
      const refused = refusedBy(error);
      if (refused) return refused;
      throw error;
    }
  },

  async settle(em, _community, stepId, outcome) {
    await em.transactional(async (t) => {
      await settleIn(t as EntityManager, _community, stepId, outcome);
      await (t as EntityManager).flush();
      failpoint('relay-settle:before-commit');
    });
    failpoint('relay-settle:after-commit');
  },
};

/** Settles one step in the caller's transaction (see `relayHooks.settle`). */
async function settleIn(tem: EntityManager, community: string, stepId: number, outcome: RelayOutcome): Promise<void> {
    const step = await tem.findOne(RelayStep, { localId: stepId }, { lockMode: LockMode.PESSIMISTIC_WRITE, populate: ['request'] });
    if (!step || step.state !== RelayStepState.PENDING) return;
    const now = new Date();
    step.state = outcome.ok ? RelayStepState.APPLIED : RelayStepState.REFUSED;
    step.outcome = outcome as unknown as Record<string, unknown>;
    step.settledAt = now;
    if (step.kind !== RelayStepKind.HOLD) return;
    const request = await tem.findOne(CareRequest, { localId: step.request.localId }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
    if (!request) return;
    const current = request.holdPending && holdKeyOf(community, request) === step.holdKey;
    if (outcome.ok) {
      const name = (outcome as { volunteerName?: unknown }).volunteerName;
      if (typeof name === 'string') request.volunteerName = name;
      if (current) {
        request.holdPending = false;
        request.updatedAt = now;
        tem.create(CareEvent, { request, from: request.status, to: request.status, actor: 'lilong-relay', by: 'scheduler', at: now, note: `hold confirmed by ${step.target}`, volunteerId: request.volunteerId });
      }
      return;
    }
    // Refused: nothing is held there, so the steps queued after it for the same hold have nothing to release.
    await tem.nativeUpdate(RelayStep, { holdKey: step.holdKey, state: RelayStepState.PENDING, localId: { $ne: step.localId } }, { state: RelayStepState.APPLIED, settledAt: now, outcome: { ok: true, skipped: 'hold refused' } });
    if (current && request.status === CareStatus.OFFERED) {
      const failure = outcome as Extract<RelayOutcome, { ok: false }>;
      const note = `${failure.code}: ${failure.message}`;
      tem.create(CareEvent, { request, from: request.status, to: CareStatus.QUEUED, actor: 'lilong-relay', by: 'scheduler', at: now, note, volunteerId: request.volunteerId });
      request.status = CareStatus.QUEUED;
      request.statusReason = failure.messageZh;
      request.volunteerId = null;
      request.volunteerName = null;
      request.holdPending = false;
      request.offerExpiresAt = null;
      request.updatedAt = now;
      careStatusChanged(tem, request, CareStatus.OFFERED, CareStatus.QUEUED);
    } else if (current) {
      request.holdPending = false;
    }
}
