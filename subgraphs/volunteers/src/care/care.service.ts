/**
 * The care workflow: a household (or its helper, or dispatch taking a call) asks; dispatch triages and offers the
 * task to a volunteer; the volunteer accepts or declines, gets under way, ticks the protective protocol and
 * finishes. Each step locks the request's row, checks who may take it and from which status, and writes a
 * `CareEvent` in the same transaction, so the household's view of the request is never ahead of or behind the
 * request itself.
 */
import { badInput, failpoint, globalIdOf, idempotent, localIdOf, notFound, requireInt, requireSignedIn, requireText, SCHEDULER_ACTOR, type Place } from '@lilong/kit';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { lilongError, parseGlobalId } from '@lilong/schema';
import { careStatusChanged } from '../events';
import type { VolunteersContext } from '../loaders';
import { isDispatchOf, requireSelfOrDispatch } from '../access';
import { Volunteer } from '../volunteer/volunteer.entity';
import { requireIdInCommunity, requireZone } from '../volunteer/volunteer.rules';
import {
  actsForHousehold,
  isAssignedVolunteer,
  requireAssignedVolunteer,
  requireCareDispatch,
  requireHouseholdOrDispatch,
} from './care.access';
import { CareEvent, CarePlace, CareRequest, CareSeries, CompoundZone, ProtocolStep, RelayStepKind, Shift, TaskStep } from './care.entity';
import { CareKind, CareOutcome, CareStatus, CommitmentState, TriageDecision, Urgency } from './care.enums';
import type {
  AddShiftInput,
  CancelCareRequestInput,
  CareTaskInput,
  FinishCareTaskInput,
  OfferCareTaskInput,
  RemoveShiftInput,
  RequestCareInput,
  RespondToCareOfferInput,
  SetCareProtocolInput,
  SetCompoundZoneInput,
  StartCareSeriesInput,
  StopCareSeriesInput,
  TickProtocolStepInput,
  TriageCareInput,
} from './care.inputs';
import {
  DEFAULT_PROTOCOLS,
  needsLabel,
  needsOf,
  OFFER_TIMEOUT_MINUTES,
  shortfallOf,
  requireDay,
  requirePhone,
  requireStep,
  requireTime,
  SERIES_HORIZON_DAYS,
  addDays,
  seriesTrips,
  shanghaiDay,
  validateCareRequest,
  validateProtocol,
  type ProtocolStepDraft,
} from './care.rules';
import { endHold, holdKeyOf, takeHold } from './holds';
import { queueStep } from './borrowing';

const MINUTE = 60_000;

/** How an event names who took a step: by role, never by name. */
export type CareActorRole = 'household' | 'helper' | 'dispatch' | 'volunteer' | 'scheduler';

export const careRequestId = (community: string, request: CareRequest) => globalIdOf(community, 'CareRequest', request.localId);

/** Records a step of the request; one that changes its status is also told to the outbox (the request must be written). */
function note(em: EntityManager, request: CareRequest, from: CareStatus | null, to: CareStatus, actor: string, by: CareActorRole, at: Date, text: string | null = null): void {
  em.create(CareEvent, { request, from, to, actor, by, at, note: text, volunteerId: request.volunteerId });
  careStatusChanged(em, request, from, to);
}

function move(em: EntityManager, request: CareRequest, to: CareStatus, actor: string, by: CareActorRole, at: Date, text: string | null = null): void {
  const from = request.status;
  request.status = to;
  request.updatedAt = at;
  note(em, request, from, to, actor, by, at, text);
}

/** The household's place, as the committee's records have it; NOT_FOUND when the household is not on record. */
async function placeOf(ctx: VolunteersContext, householdId: string): Promise<CarePlace> {
  const found: Place | undefined = (await ctx.places([householdId])).get(householdId);
  if (!found) throw notFound('Household', householdId);
  const place = new CarePlace();
  place.householdId = householdId;
  place.compoundId = found.compoundId;
  place.building = found.building;
  place.area = `${found.compoundName} ${found.building}号楼`;
  place.addressLabel = found.addressLabel;
  place.address = `${found.compoundName}（${found.compoundAddress}）${found.addressLabel}`;
  place.lat = found.lat;
  place.lng = found.lng;
  return place;
}

async function zoneOf(em: EntityManager, compoundId: string): Promise<string | null> {
  return (await em.findOne(CompoundZone, { compoundId }))?.zone ?? null;
}

/** The request with its row locked for the rest of the transaction. */
async function lockRequest(em: EntityManager, community: string, requestId: string, argument = 'input.requestId'): Promise<CareRequest> {
  const localId = localIdOf(community, requestId, 'CareRequest', argument);
  const request = await em.findOne(CareRequest, { localId }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
  if (!request) throw notFound('CareRequest', requestId);
  return request;
}


/**
 * Ends the volunteer's hold on the request's current offer, if it has one: at once for a volunteer of this
 * community; by a step for the relay to carry for a borrowed one (`ctx` is told, so the hub carries it now).
 */
async function releaseVolunteer(
  em: EntityManager,
  community: string,
  request: CareRequest,
  state: CommitmentState.RELEASED | CommitmentState.DONE,
  reason: string,
  now: Date,
  ctx?: VolunteersContext,
): Promise<void> {
  if (!request.volunteerId || request.offerCount === 0) return;
  if (parseGlobalId(request.volunteerId).community === community) {
    await endHold(em, holdKeyOf(community, request), state, reason, now);
    return;
  }
  queueStep(em, community, request, state === CommitmentState.DONE ? RelayStepKind.DONE : RelayStepKind.RELEASE, holdKeyOf(community, request), reason);
  if (ctx?.relay) ctx.relay.stepsWaiting = true;
}

// ---- asking --------------------------------------------------------------------------------------------------------

export async function requestCare(ctx: VolunteersContext, input: RequestCareInput, now = new Date()): Promise<CareRequest> {
  const householdId = requireIdInCommunity(ctx.community, input.householdId, 'Household', 'input.householdId');
  const by = requireHouseholdOrDispatch(ctx, householdId);
  const draft = validateCareRequest(input, now);
  const place = await placeOf(ctx, householdId);
  const delegation = actsForHousehold(ctx.claims, householdId)?.delegation ?? null;
  return idempotent(ctx, input.idempotencyKey, 'requestCare', input, CareRequest, async (em) => {
    const request = em.create(CareRequest, {
      ...draft,
      place,
      zone: await zoneOf(em, place.compoundId),
      status: CareStatus.SUBMITTED,
      requestedBy: ctx.claims.actor,
      requestedViaDelegation: delegation,
      createdAt: now,
      updatedAt: now,
    });
    // Written first: its event names its ID.
    await em.flush();
    note(em, request, null, CareStatus.SUBMITTED, ctx.claims.actor, by, now);
    return request;
  });
}

export async function cancelCareRequest(ctx: VolunteersContext, input: CancelCareRequestInput, now = new Date()): Promise<CareRequest> {
  requireSignedIn(ctx.claims);
  const reason = input.reason == null ? null : requireText(input.reason, 'input.reason', 300);
  return idempotent(ctx, input.idempotencyKey, 'cancelCareRequest', input, CareRequest, async (em) => {
    const request = await lockRequest(em, ctx.community, input.requestId);
    const by = requireHouseholdOrDispatch(ctx, request.place.householdId);
    requireStep('cancel', request.status, input.requestId);
    await releaseVolunteer(em, ctx.community, request, CommitmentState.RELEASED, 'cancelled', now, ctx);
    request.statusReason = reason;
    request.offerExpiresAt = null;
    request.finishedAt = now;
    move(em, request, CareStatus.CANCELLED, ctx.claims.actor, by, now, reason);
    return request;
  });
}

// ---- dispatch ------------------------------------------------------------------------------------------------------

export async function triageCareRequest(ctx: VolunteersContext, input: TriageCareInput, now = new Date()): Promise<CareRequest> {
  requireCareDispatch(ctx);
  const text = input.note == null || input.note.trim() === '' ? null : requireText(input.note, 'input.note', 300);
  const zone = input.zone == null ? null : requireZone(input.zone, 'input.zone');
  if ((input.decision === TriageDecision.REFER || input.decision === TriageDecision.DECLINE) && !text) {
    throw badInput('input.note', input.decision === TriageDecision.REFER ? 'say where the request is referred to.' : 'give the reason; the household reads it.', input.decision === TriageDecision.REFER ? '请写明转介去向。' : '请写明原因，居民会看到。');
  }
  const mergeInto = input.decision === TriageDecision.MERGE ? localIdOf(ctx.community, input.mergeInto ?? '', 'CareRequest', 'input.mergeInto') : null;
  return idempotent(ctx, input.idempotencyKey, 'triageCareRequest', input, CareRequest, async (em) => {
    const request = await lockRequest(em, ctx.community, input.requestId);
    requireStep('triage', request.status, input.requestId);
    request.triagedAt = now;
    switch (input.decision) {
      case TriageDecision.ACCEPT:
        if (zone) request.zone = zone;
        move(em, request, CareStatus.QUEUED, ctx.claims.actor, 'dispatch', now, text);
        break;
      case TriageDecision.MERGE: {
        const target = mergeInto === request.localId ? null : await em.findOne(CareRequest, { localId: mergeInto! });
        const open = [CareStatus.SUBMITTED, CareStatus.QUEUED, CareStatus.OFFERED, CareStatus.ACCEPTED, CareStatus.UNDER_WAY];
        if (!target || target.place.householdId !== request.place.householdId || !open.includes(target.status)) {
          throw badInput('input.mergeInto', "must be another open request of the same household.", '须为同一户的另一条未结束的求助。');
        }
        request.mergedIntoId = target.localId;
        request.statusReason = text ?? `merged into ${careRequestId(ctx.community, target)}`;
        request.finishedAt = now;
        move(em, request, CareStatus.MERGED, ctx.claims.actor, 'dispatch', now, request.statusReason);
        break;
      }
      case TriageDecision.REFER:
      case TriageDecision.DECLINE:
        request.statusReason = text;
        request.finishedAt = now;
        move(em, request, input.decision === TriageDecision.REFER ? CareStatus.REFERRED : CareStatus.DECLINED, ctx.claims.actor, 'dispatch', now, text);
        break;
    }
    return request;
  });
}

export async function offerCareTask(ctx: VolunteersContext, input: OfferCareTaskInput, now = new Date()): Promise<CareRequest> {
  requireCareDispatch(ctx);
  const volunteer = parseGlobalId(input.volunteerId, 'Volunteer', 'input.volunteerId');
  const borrowed = volunteer.community !== ctx.community;
  const volunteerLocalId = localIdOf(volunteer.community, input.volunteerId, 'Volunteer', 'input.volunteerId');
  const globalVolunteerId = globalIdOf(volunteer.community, 'Volunteer', volunteerLocalId);
  const minutes = input.respondWithinMinutes == null ? null : requireInt(input.respondWithinMinutes, 'input.respondWithinMinutes', 1, 240);
  const offered = await idempotent(ctx, input.idempotencyKey, 'offerCareTask', input, CareRequest, async (em) => {
    const request = await lockRequest(em, ctx.community, input.requestId);
    requireStep('offer', request.status, input.requestId);
    request.offerCount += 1;
    if (borrowed) {
      // The volunteer's own community holds them (the relay carries the step there); until it confirms, the
      // volunteer cannot accept, and a refusal puts the request back in the queue.
      request.volunteerId = globalVolunteerId;
      request.volunteerName = null;
      request.holdPending = true;
      queueStep(em, ctx.community, request, RelayStepKind.HOLD, holdKeyOf(ctx.community, request), 'offered');
      if (ctx.relay) ctx.relay.stepsWaiting = true;
    } else {
      const candidate = await em.findOne(Volunteer, { localId: volunteerLocalId });
      if (!candidate) throw notFound('Volunteer', input.volunteerId);
      const needs = needsOf(request);
      const shortfall = shortfallOf(candidate, needs);
      if (shortfall) {
        const label = needsLabel(needs);
        throw badInput('input.volunteerId', `cannot do this task: it needs ${label.en}; the volunteer ${shortfall.en}.`, `无法承担此任务：需要${label.zh}；该志愿者${shortfall.zh}。`);
      }
      await takeHold(
        em,
        { volunteerLocalId, volunteerId: globalVolunteerId, taskId: careRequestId(ctx.community, request), holdKey: holdKeyOf(ctx.community, request), windowStart: request.windowStart, windowEnd: request.windowEnd },
        now,
      );
      request.volunteerId = globalVolunteerId;
      request.volunteerName = candidate.displayName;
      request.holdPending = false;
    }
    if (request.status === CareStatus.SUBMITTED) {
      request.triagedAt = now;
      move(em, request, CareStatus.QUEUED, ctx.claims.actor, 'dispatch', now, 'accepted as a task when offered');
    }
    request.statusReason = null;
    request.offeredAt = now;
    request.offerExpiresAt = new Date(now.getTime() + (minutes ?? OFFER_TIMEOUT_MINUTES[request.urgency]) * MINUTE);
    move(em, request, CareStatus.OFFERED, ctx.claims.actor, 'dispatch', now, borrowed ? `borrowed from ${volunteer.community}` : null);
    return request;
  });
  if (borrowed) failpoint('offer:after-commit');
  return offered;
}

/** The community's protocol for a kind of task: as configured, else the standard one. */
export async function protocolOf(em: EntityManager, kind: CareKind): Promise<ProtocolStepDraft[]> {
  const steps = await em.find(ProtocolStep, { kind }, { orderBy: { position: 'asc' } });
  return steps.length > 0 ? steps.map((s) => ({ label: s.label, labelEn: s.labelEn, required: s.required })) : DEFAULT_PROTOCOLS[kind];
}

export async function respondToCareOffer(ctx: VolunteersContext, input: RespondToCareOfferInput, now = new Date()): Promise<CareRequest> {
  requireSignedIn(ctx.claims);
  const reason = input.reason == null ? null : requireText(input.reason, 'input.reason', 300);
  return idempotent(ctx, input.idempotencyKey, 'respondToCareOffer', input, CareRequest, async (em) => {
    const request = await lockRequest(em, ctx.community, input.requestId);
    requireAssignedVolunteer(ctx, request);
    requireStep('respond', request.status, input.requestId);
    if (request.holdPending) {
      throw lilongError(
        'INVALID_TRANSITION',
        { en: `The offer of ${input.requestId} waits for the volunteer's community to confirm the hold; try again in a moment.`, zh: `求助 ${input.requestId} 的派单正等待志愿者所在社区确认，请稍后再试。` },
        { status: request.status, step: 'respond', waiting: true },
      );
    }
    if (request.offerExpiresAt && request.offerExpiresAt.getTime() <= now.getTime()) {
      throw lilongError(
        'INVALID_TRANSITION',
        { en: `The offer of ${input.requestId} expired at ${request.offerExpiresAt.toISOString()}; it goes back to the queue.`, zh: `求助 ${input.requestId} 的派单已于 ${request.offerExpiresAt.toISOString()} 超时，将退回待派单。` },
        { status: request.status, step: 'respond', expired: true },
      );
    }
    if (input.accept) {
      request.acceptedAt = now;
      request.offerExpiresAt = null;
      const steps = await protocolOf(em, request.kind);
      steps.forEach((step, i) => em.create(TaskStep, { request, position: i + 1, ...step }));
      move(em, request, CareStatus.ACCEPTED, ctx.claims.actor, 'volunteer', now);
    } else {
      await releaseVolunteer(em, ctx.community, request, CommitmentState.RELEASED, 'declined', now, ctx);
      request.offerExpiresAt = null;
      move(em, request, CareStatus.QUEUED, ctx.claims.actor, 'volunteer', now, reason ?? 'declined');
      request.volunteerId = null;
      request.volunteerName = null;
      request.holdPending = false;
    }
    return request;
  });
}

export async function startCareTask(ctx: VolunteersContext, input: CareTaskInput, now = new Date()): Promise<CareRequest> {
  requireSignedIn(ctx.claims);
  return idempotent(ctx, input.idempotencyKey, 'startCareTask', input, CareRequest, async (em) => {
    const request = await lockRequest(em, ctx.community, input.requestId);
    requireAssignedVolunteer(ctx, request);
    requireStep('start', request.status, input.requestId);
    request.startedAt = now;
    move(em, request, CareStatus.UNDER_WAY, ctx.claims.actor, 'volunteer', now);
    return request;
  });
}

function protocolIncomplete(requestId: string, missing: TaskStep[], doing: string): never {
  throw lilongError(
    'PROTOCOL_INCOMPLETE',
    {
      en: `Care request ${requestId}: ${doing} needs these protocol steps first: ${missing.map((s) => `${s.position}. ${s.labelEn}`).join('; ')}.`,
      zh: `求助 ${requestId}：须先完成以下防护步骤：${missing.map((s) => `${s.position}. ${s.label}`).join('；')}。`,
    },
    { missing: missing.map((s) => s.position) },
  );
}

export async function tickProtocolStep(ctx: VolunteersContext, input: TickProtocolStepInput, now = new Date()): Promise<CareRequest> {
  requireSignedIn(ctx.claims);
  return idempotent(ctx, input.idempotencyKey, 'tickProtocolStep', input, CareRequest, async (em) => {
    const request = await lockRequest(em, ctx.community, input.requestId);
    requireAssignedVolunteer(ctx, request);
    requireStep('tick', request.status, input.requestId);
    const steps = await em.find(TaskStep, { request }, { orderBy: { position: 'asc' } });
    const step = steps.find((s) => s.position === input.position);
    if (!step) throw badInput('input.position', `must be one of the task's steps, 1-${steps.length}.`, `须为本任务的步骤序号（1-${steps.length}）。`);
    if (step.doneAt) return request;
    const missing = steps.filter((s) => s.position < step.position && s.required && !s.doneAt);
    if (missing.length > 0) protocolIncomplete(input.requestId, missing, `ticking step ${step.position}`);
    step.doneAt = now;
    step.doneBy = ctx.claims.actor;
    request.updatedAt = now;
    return request;
  });
}

export async function finishCareTask(ctx: VolunteersContext, input: FinishCareTaskInput, now = new Date()): Promise<CareRequest> {
  requireSignedIn(ctx.claims);
  const reason = input.reason == null || input.reason.trim() === '' ? null : requireText(input.reason, 'input.reason', 300);
  if (input.outcome === CareOutcome.FAILED && !reason) throw badInput('input.reason', 'say why the task could not be done.', '请说明未能完成的原因。');
  return idempotent(ctx, input.idempotencyKey, 'finishCareTask', input, CareRequest, async (em) => {
    const request = await lockRequest(em, ctx.community, input.requestId);
    const dispatch = isDispatchOf(ctx);
    // Dispatch may record a failure the volunteer reported by phone; only the volunteer marks a task done.
    if (!(input.outcome === CareOutcome.FAILED && dispatch)) requireAssignedVolunteer(ctx, request);
    if (input.outcome === CareOutcome.DONE) {
      requireStep('done', request.status, input.requestId);
      const steps = await em.find(TaskStep, { request }, { orderBy: { position: 'asc' } });
      const missing = steps.filter((s) => s.required && !s.doneAt);
      if (missing.length > 0) protocolIncomplete(input.requestId, missing, 'marking it done');
    } else {
      requireStep('fail', request.status, input.requestId);
    }
    await releaseVolunteer(em, ctx.community, request, input.outcome === CareOutcome.DONE ? CommitmentState.DONE : CommitmentState.RELEASED, input.outcome === CareOutcome.DONE ? 'done' : 'failed', now, ctx);
    request.finishedAt = now;
    request.statusReason = reason;
    const by: CareActorRole = isAssignedVolunteer(ctx.claims, request) ? 'volunteer' : 'dispatch';
    move(em, request, input.outcome === CareOutcome.DONE ? CareStatus.DONE : CareStatus.FAILED, ctx.claims.actor, by, now, reason);
    return request;
  });
}

// ---- the scheduler -------------------------------------------------------------------------------------------------

/**
 * An offer not answered in time goes back to the queue and frees the volunteer. The caller holds the request's row
 * lock; a request no longer offered, or whose offer has not expired at `now`, is left as it is (resolves to false),
 * so a time-out job run twice has one effect (see care/deadlines.ts).
 */
export async function expireCareOffer(em: EntityManager, community: string, request: CareRequest, now: Date): Promise<boolean> {
  if (request.status !== CareStatus.OFFERED || !request.offerExpiresAt || request.offerExpiresAt.getTime() > now.getTime()) return false;
  await releaseVolunteer(em, community, request, CommitmentState.RELEASED, 'offer expired', now);
  request.offerExpiresAt = null;
  move(em, request, CareStatus.QUEUED, SCHEDULER_ACTOR, 'scheduler', now, 'offer not answered in time');
  request.volunteerId = null;
  request.volunteerName = null;
  request.holdPending = false;
  return true;
}

// ---- series --------------------------------------------------------------------------------------------------------

/**
 * Creates the series' trips up to SERIES_HORIZON_DAYS ahead of `now` that are not yet created, as tasks in the
 * queue (the series was asked for once; each trip needs no triage of its own). Call with the series' row locked.
 */
export async function extendSeries(em: EntityManager, series: CareSeries, zone: string | null, now: Date): Promise<number> {
  if (series.stoppedAt) return 0;
  const until = addDays(shanghaiDay(now), SERIES_HORIZON_DAYS);
  const from = series.createdUntil ? addDays(series.createdUntil, 1) : shanghaiDay(now);
  if (from > until) return 0;
  const trips = seriesTrips(series, from, until).filter((t) => t.windowStart.getTime() > now.getTime());
  const created = trips.map((trip) => ({
    trip,
    request: em.create(CareRequest, {
      place: series.place,
      contactPhone: series.contactPhone,
      kind: CareKind.MEDICAL_TRIP,
      purpose: series.purpose,
      destination: series.destination,
      urgency: Urgency.SCHEDULED,
      windowStart: trip.windowStart,
      windowEnd: trip.windowEnd,
      passengers: series.passengers,
      wheelchair: series.wheelchair,
      returnTrip: series.returnTrip,
      notes: series.notes,
      zone,
      status: CareStatus.QUEUED,
      requestedBy: series.requestedBy,
      series,
      triagedAt: now,
      createdAt: now,
      updatedAt: now,
    }),
  }));
  // Written first: their events name their IDs.
  if (created.length > 0) await em.flush();
  for (const { trip, request } of created) note(em, request, null, CareStatus.QUEUED, SCHEDULER_ACTOR, 'scheduler', now, `trip of series ${trip.day}`);
  series.createdUntil = until > series.lastDay ? series.lastDay : until;
  return trips.length;
}

export async function startCareSeries(ctx: VolunteersContext, input: StartCareSeriesInput, now = new Date()): Promise<CareSeries> {
  const householdId = requireIdInCommunity(ctx.community, input.householdId, 'Household', 'input.householdId');
  requireHouseholdOrDispatch(ctx, householdId);
  const destination = requireText(input.destination, 'input.destination', 100);
  if (input.weekdays.length === 0 || input.weekdays.some((d) => !Number.isInteger(d) || d < 1 || d > 7) || new Set(input.weekdays).size !== input.weekdays.length) {
    throw badInput('input.weekdays', 'must list distinct weekdays, 1 (Monday) to 7 (Sunday).', '须为不重复的星期几，1（周一）到 7（周日）。');
  }
  const startTime = requireTime(input.startTime, 'input.startTime');
  const durationMinutes = requireInt(input.durationMinutes, 'input.durationMinutes', 30, 720);
  const firstDay = requireDay(input.firstDay, 'input.firstDay');
  const lastDay = requireDay(input.lastDay, 'input.lastDay');
  if (lastDay < firstDay || lastDay > addDays(firstDay, 180)) throw badInput('input.lastDay', 'must be on or after the first day, at most 180 days later.', '须不早于首日，且不晚于首日后 180 天。');
  if (lastDay < shanghaiDay(now)) throw badInput('input.lastDay', 'is in the past.', '已经过去。');
  const passengers = requireInt(input.passengers ?? 1, 'input.passengers', 1, 8);
  const contactPhone = requirePhone(input.contactPhone, 'input.contactPhone');
  const notes = input.notes == null ? '' : requireText(input.notes, 'input.notes', 500, { allowEmpty: true });
  const place = await placeOf(ctx, householdId);
  return idempotent(ctx, input.idempotencyKey, 'startCareSeries', input, CareSeries, async (em) => {
    const series = em.create(CareSeries, {
      place,
      purpose: input.purpose,
      destination,
      weekdays: [...input.weekdays].sort(),
      startTime,
      durationMinutes,
      firstDay,
      lastDay,
      passengers,
      wheelchair: input.wheelchair ?? false,
      returnTrip: input.returnTrip ?? true,
      contactPhone,
      notes,
      requestedBy: ctx.claims.actor,
      createdAt: now,
    });
    await extendSeries(em, series, await zoneOf(em, place.compoundId), now);
    return series;
  });
}

export async function stopCareSeries(ctx: VolunteersContext, input: StopCareSeriesInput, now = new Date()): Promise<CareSeries> {
  requireSignedIn(ctx.claims);
  const localId = localIdOf(ctx.community, input.seriesId, 'CareSeries', 'input.seriesId');
  return idempotent(ctx, input.idempotencyKey, 'stopCareSeries', input, CareSeries, async (em) => {
    const series = await em.findOne(CareSeries, { localId }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
    if (!series) throw notFound('CareSeries', input.seriesId);
    const by = requireHouseholdOrDispatch(ctx, series.place.householdId);
    if (series.stoppedAt) return series;
    series.stoppedAt = now;
    const future = await em.find(
      CareRequest,
      { series, windowStart: { $gt: now }, status: { $in: [CareStatus.SUBMITTED, CareStatus.QUEUED, CareStatus.OFFERED, CareStatus.ACCEPTED] } },
      { lockMode: LockMode.PESSIMISTIC_WRITE },
    );
    for (const request of future) {
      await releaseVolunteer(em, ctx.community, request, CommitmentState.RELEASED, 'series stopped', now, ctx);
      request.offerExpiresAt = null;
      request.finishedAt = now;
      request.statusReason = 'series stopped';
      move(em, request, CareStatus.CANCELLED, ctx.claims.actor, by, now, 'series stopped');
    }
    return series;
  });
}

/**
 * Creates one series' trips that are due by `now` (see `extendSeries`), in the zone of its compound. The caller holds
 * the series' row lock; a series already extended that far creates nothing (see care/deadlines.ts).
 */
export async function extendSeriesAhead(em: EntityManager, series: CareSeries, now: Date): Promise<number> {
  return extendSeries(em, series, await zoneOf(em, series.place.compoundId), now);
}

// ---- configuration and shifts --------------------------------------------------------------------------------------

export async function setCareProtocol(ctx: VolunteersContext, input: SetCareProtocolInput): Promise<ProtocolStep[]> {
  requireCareDispatch(ctx);
  if (input.community !== ctx.community) throw badInput('input.community', `must be this community (${ctx.community}).`, `须为本社区（${ctx.community}）。`);
  const steps = validateProtocol(input.steps);
  return ctx.em.transactional(async (t) => {
    const tem = t as EntityManager;
    // One change of a kind's protocol at a time: two at once would both delete, then collide inserting.
    await tem.getConnection().execute(`select pg_advisory_xact_lock(hashtext(?))`, [`care-protocol:${input.kind}`], 'all', tem.getTransactionContext());
    await tem.nativeDelete(ProtocolStep, { kind: input.kind });
    return steps.map((step, i) => tem.create(ProtocolStep, { kind: input.kind, position: i + 1, ...step }));
  });
}

export async function setCompoundZone(ctx: VolunteersContext, input: SetCompoundZoneInput): Promise<CompoundZone> {
  requireCareDispatch(ctx);
  const compoundId = requireIdInCommunity(ctx.community, input.compoundId, 'Compound', 'input.compoundId');
  const zone = requireZone(input.zone, 'input.zone');
  if (!(await ctx.places([compoundId])).has(compoundId)) throw notFound('Compound', compoundId);
  // An upsert: two first zonings of one compound at once must not collide on its key.
  return ctx.em.upsert(CompoundZone, { compoundId, zone });
}

const MAX_SHIFT_MS = 16 * 60 * MINUTE;

export async function addShift(ctx: VolunteersContext, input: AddShiftInput, now = new Date()): Promise<Shift> {
  requireSelfOrDispatch(ctx, input.volunteerId);
  const volunteerLocalId = localIdOf(ctx.community, input.volunteerId, 'Volunteer', 'input.volunteerId');
  if (input.endsAt.getTime() <= input.startsAt.getTime()) throw badInput('input.endsAt', 'must be after the start.', '须晚于开始时间。');
  if (input.endsAt.getTime() - input.startsAt.getTime() > MAX_SHIFT_MS) throw badInput('input.endsAt', 'makes the shift longer than 16 hours.', '值班时段不能超过 16 小时。');
  if (input.endsAt.getTime() <= now.getTime()) throw badInput('input.endsAt', 'is in the past.', '已经过去。');
  return idempotent(ctx, input.idempotencyKey, 'addShift', input, Shift, async (em) => {
    const volunteer = await em.findOne(Volunteer, { localId: volunteerLocalId });
    if (!volunteer) throw notFound('Volunteer', input.volunteerId);
    return em.create(Shift, { volunteer, startsAt: input.startsAt, endsAt: input.endsAt });
  });
}

export async function removeShift(ctx: VolunteersContext, input: RemoveShiftInput): Promise<boolean> {
  requireSelfOrDispatch(ctx, input.volunteerId);
  const volunteerLocalId = localIdOf(ctx.community, input.volunteerId, 'Volunteer', 'input.volunteerId');
  const shiftId = localIdOf(ctx.community, input.shiftId, 'Shift', 'input.shiftId');
  const removed = await ctx.em.nativeDelete(Shift, { localId: shiftId, volunteer: { localId: volunteerLocalId } });
  if (removed === 0) throw notFound('Shift', input.shiftId);
  return true;
}
