import { badInput, forbidden, globalIdOf, isCommitteeOf, isDispatcherOf, isSubdistrictStaff, localIdOf, requireInt, requireLatLng, requireSignedIn, tryLocalId } from '@lilong/kit';
import { parseGlobalId } from '@lilong/schema';
import { Arg, Ctx, Directive, FieldResolver, Float, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { isDispatchOf, isVolunteerSelf } from '../access';
import { Community } from '../community/community.type';
import { Household } from '../household/household.type';
import type { VolunteersContext } from '../loaders';
import { Volunteer } from '../volunteer/volunteer.entity';
import { actsForHousehold, requireCareDispatch, requireViewer, seesExactAddress, viewerOf, volunteerIdsOf } from './care.access';
import { CareCommitment, CareEvent, CareRequest, CareSeries, CompoundZone, ProtocolStep, Shift, TaskStep } from './care.entity';
import { CareKind, CareStatus, CommitmentState, OPEN_STATUSES, URGENCY_RANK } from './care.enums';
import {
  AddShiftInput,
  BorrowableTaskInput,
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
  addShift,
  cancelCareRequest,
  finishCareTask,
  offerCareTask,
  protocolOf,
  removeShift,
  requestCare,
  respondToCareOffer,
  setCareProtocol,
  setCompoundZone,
  startCareSeries,
  startCareTask,
  stopCareSeries,
  tickProtocolStep,
  triageCareRequest,
} from './care.service';
import { CareCandidate, CandidateFactor, CareFiguresView } from './care.types';
import { careFigures } from './figures';
import { candidatesFor, matchTaskOf, type Candidate } from './matching';

const MAX_LIST = 200;

async function loadRequest(ctx: VolunteersContext, id: string): Promise<CareRequest | null> {
  const localId = tryLocalId(ctx.community, id, 'CareRequest');
  return localId === undefined ? null : ((await ctx.loaders.careRequest.load(localId)) ?? null);
}

/** Oldest first within urgency, most urgent first: the order dispatch works through. */
function byUrgencyThenAge(a: CareRequest, b: CareRequest): number {
  return URGENCY_RANK[a.urgency] - URGENCY_RANK[b.urgency] || a.createdAt.getTime() - b.createdAt.getTime() || a.localId - b.localId;
}

@Resolver(() => CareRequest)
export class CareRequestResolver {
  @FieldResolver(() => ID)
  id(@Root() request: CareRequest, @Ctx() ctx: VolunteersContext): string {
    return globalIdOf(ctx.community, 'CareRequest', request.localId);
  }

  @FieldResolver(() => Household, { nullable: true, description: 'The household; null for a volunteer before the task is theirs.' })
  household(@Root() request: CareRequest, @Ctx() ctx: VolunteersContext): Household | null {
    return seesExactAddress(ctx, request) ? { id: request.place.householdId } : null;
  }

  @FieldResolver(() => String, { description: 'Compound and building 小区楼号, e.g. "新华一村 8号楼": all a volunteer sees before the task is theirs.' })
  area(@Root() request: CareRequest): string {
    return request.place.area;
  }

  @FieldResolver(() => Float, { description: "Latitude of the household's compound gate (where the task starts), WGS-84." })
  lat(@Root() request: CareRequest): number {
    return request.place.lat;
  }

  @FieldResolver(() => Float, { description: "Longitude of the household's compound gate." })
  lng(@Root() request: CareRequest): number {
    return request.place.lng;
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: 'The exact address (gate and building-unit-room): for the household, dispatch, and the assigned volunteer until the task ends.',
  })
  address(@Root() request: CareRequest, @Ctx() ctx: VolunteersContext): string | null {
    return seesExactAddress(ctx, request) ? request.place.address : null;
  }

  @FieldResolver(() => String, { nullable: true, description: 'The contact phone, shown as `address` is.' })
  contactPhone(@Root() request: CareRequest, @Ctx() ctx: VolunteersContext): string | null {
    return seesExactAddress(ctx, request) ? request.contactPhone : null;
  }

  @FieldResolver(() => Boolean, { description: 'Asked by a helper acting for the household (代办).' })
  askedByHelper(@Root() request: CareRequest): boolean {
    return request.requestedViaDelegation !== null;
  }

  @FieldResolver(() => Int, { description: 'Minutes from the request until a volunteer accepted it, or until now while nobody has.' })
  waitedMinutes(@Root() request: CareRequest): number {
    const end = request.acceptedAt ?? request.finishedAt ?? new Date();
    return Math.max(0, Math.floor((end.getTime() - request.createdAt.getTime()) / 60_000));
  }

  @FieldResolver(() => Volunteer, { nullable: true, description: 'The volunteer offered or assigned.' })
  async volunteer(@Root() request: CareRequest, @Ctx() ctx: VolunteersContext): Promise<Volunteer | null> {
    const localId = request.volunteerId === null ? undefined : tryLocalId(ctx.community, request.volunteerId, 'Volunteer');
    return localId === undefined ? null : ((await ctx.loaders.volunteer.load(localId)) ?? null);
  }

  @FieldResolver(() => ID, { nullable: true, description: 'The global ID of the volunteer offered or assigned, of whichever community.' })
  volunteerId(@Root() request: CareRequest): string | null {
    return request.volunteerId;
  }

  @FieldResolver(() => CareRequest, { nullable: true, description: 'The request this one was merged into.' })
  async mergedInto(@Root() request: CareRequest, @Ctx() ctx: VolunteersContext): Promise<CareRequest | null> {
    return request.mergedIntoId === null ? null : ((await ctx.loaders.careRequest.load(request.mergedIntoId)) ?? null);
  }

  @FieldResolver(() => CareSeries, { nullable: true })
  async series(@Root() request: CareRequest, @Ctx() ctx: VolunteersContext): Promise<CareSeries | null> {
    return request.series ? ((await ctx.loaders.careSeries.load(request.series.localId)) ?? null) : null;
  }

  @FieldResolver(() => [CareEvent], { description: 'Every step so far, oldest first: what the household sees.' })
  events(@Root() request: CareRequest, @Ctx() ctx: VolunteersContext): Promise<CareEvent[]> {
    return ctx.loaders.careEvents.load(request.localId);
  }

  @FieldResolver(() => [TaskStep], { description: 'The protective protocol of the task, once accepted, and what is ticked.' })
  protocol(@Root() request: CareRequest, @Ctx() ctx: VolunteersContext): Promise<TaskStep[]> {
    return ctx.loaders.taskSteps.load(request.localId);
  }

  @FieldResolver(() => [CareCandidate], {
    description: "Volunteers of the community who could take the task, best first (dispatch only): distance from their base, tasks in hand, skills, seats, free in the window.",
  })
  async candidates(
    @Root() request: CareRequest,
    @Arg('first', () => Int, { defaultValue: 10, description: '1-50.' }) first: number,
    @Ctx() ctx: VolunteersContext,
  ): Promise<CareCandidate[]> {
    requireCareDispatch(ctx);
    requireInt(first, 'first', 1, 50);
    return toCandidates(ctx, await candidatesFor(ctx.em, ctx.community, matchTaskOf(request), first, new Date()));
  }

  @Query(() => [CareCandidate], {
    description:
      "Volunteers of the task's neighbouring communities who could take it, best first, for the task's dispatch when its own community has none free: pass the task as careRequest answered it. Offer one with offerCareTask: their community holds them.",
  })
  @Directive('@fanout(sortBy: "score", order: "ASC", limitArg: "first", neighboursOf: "task.requestId")')
  async borrowableVolunteers(
    @Arg('task') task: BorrowableTaskInput,
    @Arg('first', () => Int, { defaultValue: 10, description: '1-50.' }) first: number,
    @Ctx() ctx: VolunteersContext,
  ): Promise<CareCandidate[]> {
    requireSignedIn(ctx.claims);
    requireInt(first, 'first', 1, 50);
    const origin = parseGlobalId(task.requestId, 'CareRequest', 'task.requestId').community;
    if (origin === ctx.community) return [];
    if (!isDispatcherOf(ctx.claims, origin) && !isCommitteeOf(ctx.claims, origin)) {
      throw forbidden("volunteers are lent to the dispatch of the task's own community", '只有求助所在社区的调度员和居委会可以借调志愿者');
    }
    requireLatLng(task.lat, task.lng);
    if (task.windowEnd.getTime() <= task.windowStart.getTime()) throw badInput('task.windowEnd', 'must be after the start.', '须晚于开始时间。');
    const found = await candidatesFor(ctx.em, ctx.community, { ...task, passengers: requireInt(task.passengers, 'task.passengers', 0, 8) }, first, new Date());
    return toCandidates(ctx, found);
  }

  @Query(() => CareRequest, { nullable: true, description: 'A care request: for its household, dispatch, and its volunteer.' })
  @Directive('@routeBy(arg: "id")')
  async careRequest(@Arg('id', () => ID) id: string, @Ctx() ctx: VolunteersContext): Promise<CareRequest | null> {
    localIdOf(ctx.community, id, 'CareRequest');
    const request = await loadRequest(ctx, id);
    if (!request) return null;
    requireViewer(ctx, request);
    return request;
  }

  @Query(() => [CareRequest], {
    description: 'The tasks offered or assigned to the caller as a volunteer, in every community, by start time: their own queue.',
  })
  @Directive('@fanout(sortBy: "windowStart", order: "ASC", limitArg: "first")')
  async myCareTasks(
    @Arg('includeFinished', () => Boolean, { defaultValue: false }) includeFinished: boolean,
    @Arg('first', () => Int, { defaultValue: 50, description: '1-200.' }) first: number,
    @Ctx() ctx: VolunteersContext,
  ): Promise<CareRequest[]> {
    requireSignedIn(ctx.claims);
    requireInt(first, 'first', 1, MAX_LIST);
    const mine = volunteerIdsOf(ctx.claims);
    if (mine.length === 0) return [];
    const statuses = includeFinished ? Object.values(CareStatus) : [CareStatus.OFFERED, CareStatus.ACCEPTED, CareStatus.UNDER_WAY];
    return ctx.em.find(CareRequest, { volunteerId: { $in: mine }, status: { $in: statuses } }, { orderBy: { windowStart: 'asc', localId: 'asc' }, limit: first });
  }

  @Mutation(() => CareRequest, { description: 'Asks for care 求助: by the household, a helper with a care delegation, or dispatch taking a call.' })
  @Directive('@routeBy(arg: "input.householdId")')
  requestCare(@Arg('input') input: RequestCareInput, @Ctx() ctx: VolunteersContext): Promise<CareRequest> {
    return requestCare(ctx, input);
  }

  @Mutation(() => CareRequest, { description: 'Dispatch triages a submitted request: accept as a task, merge with a duplicate, refer elsewhere, or decline.' })
  @Directive('@routeBy(arg: "input.requestId")')
  triageCareRequest(@Arg('input') input: TriageCareInput, @Ctx() ctx: VolunteersContext): Promise<CareRequest> {
    return triageCareRequest(ctx, input);
  }

  @Mutation(() => CareRequest, {
    description: 'Dispatch offers a task to a volunteer of the community, holding them for its window; refused with VOLUNTEER_BUSY if they hold another.',
  })
  @Directive('@routeBy(arg: "input.requestId")')
  offerCareTask(@Arg('input') input: OfferCareTaskInput, @Ctx() ctx: VolunteersContext): Promise<CareRequest> {
    return offerCareTask(ctx, input);
  }

  @Mutation(() => CareRequest, { description: 'The volunteer offered a task accepts or declines it.' })
  @Directive('@routeBy(arg: "input.requestId")')
  respondToCareOffer(@Arg('input') input: RespondToCareOfferInput, @Ctx() ctx: VolunteersContext): Promise<CareRequest> {
    return respondToCareOffer(ctx, input);
  }

  @Mutation(() => CareRequest, { description: 'The assigned volunteer is under way: the medicine or the patient picked up.' })
  @Directive('@routeBy(arg: "input.requestId")')
  startCareTask(@Arg('input') input: CareTaskInput, @Ctx() ctx: VolunteersContext): Promise<CareRequest> {
    return startCareTask(ctx, input);
  }

  @Mutation(() => CareRequest, { description: 'The assigned volunteer ticks a step of the protective protocol, in order.' })
  @Directive('@routeBy(arg: "input.requestId")')
  tickProtocolStep(@Arg('input') input: TickProtocolStepInput, @Ctx() ctx: VolunteersContext): Promise<CareRequest> {
    return tickProtocolStep(ctx, input);
  }

  @Mutation(() => CareRequest, { description: 'The assigned volunteer marks the task done (every required step ticked) or failed with a reason.' })
  @Directive('@routeBy(arg: "input.requestId")')
  finishCareTask(@Arg('input') input: FinishCareTaskInput, @Ctx() ctx: VolunteersContext): Promise<CareRequest> {
    return finishCareTask(ctx, input);
  }

  @Mutation(() => CareRequest, { description: 'The household (or its helper, or dispatch on its word) cancels a request not yet under way.' })
  @Directive('@routeBy(arg: "input.requestId")')
  cancelCareRequest(@Arg('input') input: CancelCareRequestInput, @Ctx() ctx: VolunteersContext): Promise<CareRequest> {
    return cancelCareRequest(ctx, input);
  }

  @Mutation(() => [ProtocolStep], { description: "Sets the community's protective protocol for a kind of task (dispatch and committee)." })
  @Directive('@routeBy(arg: "input.community")')
  setCareProtocol(@Arg('input') input: SetCareProtocolInput, @Ctx() ctx: VolunteersContext): Promise<ProtocolStep[]> {
    return setCareProtocol(ctx, input);
  }

  @Mutation(() => String, { description: "Puts a compound's care requests in a dispatch zone 片区 (dispatch and committee); answers the zone." })
  @Directive('@routeBy(arg: "input.compoundId")')
  async setCompoundZone(@Arg('input') input: SetCompoundZoneInput, @Ctx() ctx: VolunteersContext): Promise<string> {
    const row: CompoundZone = await setCompoundZone(ctx, input);
    return row.zone;
  }
}

@Resolver(() => CareSeries)
export class CareSeriesResolver {
  @FieldResolver(() => ID)
  id(@Root() series: CareSeries, @Ctx() ctx: VolunteersContext): string {
    return globalIdOf(ctx.community, 'CareSeries', series.localId);
  }

  @FieldResolver(() => [CareRequest], { description: 'Its trips created so far, by start (the household and dispatch).' })
  async trips(@Root() series: CareSeries, @Ctx() ctx: VolunteersContext): Promise<CareRequest[]> {
    if (!actsForHousehold(ctx.claims, series.place.householdId) && !isDispatchOf(ctx)) return [];
    return ctx.em.find(CareRequest, { series }, { orderBy: { windowStart: 'asc', localId: 'asc' } });
  }

  @Mutation(() => CareSeries, { description: 'Starts a recurring medical trip (dialysis three times a week): trips are created a week ahead.' })
  @Directive('@routeBy(arg: "input.householdId")')
  startCareSeries(@Arg('input') input: StartCareSeriesInput, @Ctx() ctx: VolunteersContext): Promise<CareSeries> {
    return startCareSeries(ctx, input);
  }

  @Mutation(() => CareSeries, { description: 'Stops a series; its trips not yet under way are cancelled.' })
  @Directive('@routeBy(arg: "input.seriesId")')
  stopCareSeries(@Arg('input') input: StopCareSeriesInput, @Ctx() ctx: VolunteersContext): Promise<CareSeries> {
    return stopCareSeries(ctx, input);
  }
}

@Resolver(() => CareCommitment)
export class CareCommitmentResolver {
  @FieldResolver(() => ID, { description: 'The task, in whichever community holds it.' })
  taskId(@Root() hold: CareCommitment): string {
    return hold.taskId;
  }

  @FieldResolver(() => CareRequest, { nullable: true, description: "The task, when it is this community's and the caller may see it." })
  async task(@Root() hold: CareCommitment, @Ctx() ctx: VolunteersContext): Promise<CareRequest | null> {
    const request = await loadRequest(ctx, hold.taskId);
    return request && viewerOf(ctx, request) ? request : null;
  }
}

@Resolver(() => Shift)
export class ShiftResolver {
  @FieldResolver(() => ID)
  id(@Root() shift: Shift, @Ctx() ctx: VolunteersContext): string {
    return globalIdOf(ctx.community, 'Shift', shift.localId);
  }

  @Mutation(() => Shift, { description: 'Adds a window in which the volunteer takes tasks (themself or dispatch).' })
  @Directive('@routeBy(arg: "input.volunteerId")')
  addShift(@Arg('input') input: AddShiftInput, @Ctx() ctx: VolunteersContext): Promise<Shift> {
    return addShift(ctx, input);
  }

  @Mutation(() => Boolean, { description: 'Removes a shift (themself or dispatch).' })
  @Directive('@routeBy(arg: "input.volunteerId")')
  removeShift(@Arg('input') input: RemoveShiftInput, @Ctx() ctx: VolunteersContext): Promise<boolean> {
    return removeShift(ctx, input);
  }
}

/** Care on the entities of other domains: a volunteer's shifts and holds, a household's requests, a community's queue. */
@Resolver(() => Volunteer)
export class VolunteerCareResolver {
  @FieldResolver(() => [Shift], { description: 'Their shifts not yet over (themself and dispatch; empty for others).' })
  async shifts(@Root() volunteer: Volunteer, @Ctx() ctx: VolunteersContext): Promise<Shift[]> {
    if (!isVolunteerSelf(ctx, volunteer.localId) && !isDispatchOf(ctx)) return [];
    const now = Date.now();
    return (await ctx.loaders.shifts.load(volunteer.localId)).filter((s) => s.endsAt.getTime() > now);
  }

  @FieldResolver(() => [CareCommitment], { description: 'The tasks they hold now, in any community (themself and dispatch; empty for others).' })
  async holds(@Root() volunteer: Volunteer, @Ctx() ctx: VolunteersContext): Promise<CareCommitment[]> {
    if (!isVolunteerSelf(ctx, volunteer.localId) && !isDispatchOf(ctx)) return [];
    return (await ctx.loaders.commitmentsByVolunteer.load(volunteer.localId)).filter((c) => c.state === CommitmentState.HELD);
  }
}

@Resolver(() => Household)
export class HouseholdCareResolver {
  @FieldResolver(() => [CareRequest], { nullable: true, description: 'Its care requests, newest first (the household, its helper, dispatch).' })
  async careRequests(
    @Root() household: Household,
    @Arg('includeFinished', () => Boolean, { defaultValue: true }) includeFinished: boolean,
    @Ctx() ctx: VolunteersContext,
  ): Promise<CareRequest[] | null> {
    if (tryLocalId(ctx.community, household.id, 'Household') === undefined) return null;
    requireSignedIn(ctx.claims);
    if (!actsForHousehold(ctx.claims, household.id) && !isDispatchOf(ctx)) {
      throw forbidden("a household's care requests are seen by the household, its helper and the community's dispatch", '本户求助仅限本户、代办人和本社区调度员查看');
    }
    const statuses = includeFinished ? Object.values(CareStatus) : [...OPEN_STATUSES];
    return ctx.em.find(CareRequest, { place: { householdId: household.id }, status: { $in: statuses } }, { orderBy: { createdAt: 'desc', localId: 'desc' }, limit: MAX_LIST });
  }
}

@Resolver(() => Community)
export class CommunityCareResolver {
  @FieldResolver(() => [CareRequest], {
    nullable: true,
    description: 'Open requests waiting for triage, a volunteer or an answer, most urgent first, then oldest (dispatch, committee, sub-district staff).',
  })
  async careQueue(
    @Root() community: Community,
    @Arg('zone', () => String, { nullable: true, description: 'One zone only; "" for requests without a zone.' }) zone: string | null,
    @Arg('first', () => Int, { defaultValue: 50, description: '1-200.' }) first: number,
    @Ctx() ctx: VolunteersContext,
  ): Promise<CareRequest[] | null> {
    if (community.code !== ctx.community) return null;
    requireInt(first, 'first', 1, MAX_LIST);
    requireQueueReader(ctx);
    const where: Record<string, unknown> = { status: { $in: [CareStatus.SUBMITTED, CareStatus.QUEUED, CareStatus.OFFERED] } };
    if (zone != null) where.zone = zone === '' ? null : zone;
    const open = await ctx.em.find(CareRequest, where, { limit: 1000 });
    return open.sort(byUrgencyThenAge).slice(0, first);
  }

  @FieldResolver(() => [ProtocolStep], { nullable: true, description: 'The protective protocol of a kind of task: as the community set it, else the standard one.' })
  async careProtocol(@Root() community: Community, @Arg('kind', () => CareKind) kind: CareKind, @Ctx() ctx: VolunteersContext): Promise<ProtocolStep[] | null> {
    if (community.code !== ctx.community) return null;
    const steps = await protocolOf(ctx.em, kind);
    return steps.map((s, i) => Object.assign(new ProtocolStep(), { localId: 0, kind, position: i + 1, ...s }));
  }

  @FieldResolver(() => CareFiguresView, { nullable: true, description: 'Care figures per zone for the data console (dispatch, committee, sub-district staff).' })
  async careFigures(@Root() community: Community, @Ctx() ctx: VolunteersContext): Promise<CareFiguresView | null> {
    if (community.code !== ctx.community) return null;
    requireQueueReader(ctx);
    return careFigures(ctx.em, ctx.community, new Date());
  }
}

function requireQueueReader(ctx: VolunteersContext): void {
  requireSignedIn(ctx.claims);
  if (!isDispatchOf(ctx) && !isCommitteeOf(ctx.claims, ctx.community) && !isSubdistrictStaff(ctx.claims)) {
    throw forbidden("the care queue and figures are for the community's dispatch and committee, and sub-district staff", '求助队列和统计仅限本社区调度员、居委会和街道工作人员查看');
  }
}

async function toCandidates(ctx: VolunteersContext, found: Candidate[]): Promise<CareCandidate[]> {
  const volunteers = await ctx.loaders.volunteer.loadMany(found.map((c) => c.volunteerLocalId));
  return found.map((c, i) => ({
    volunteer: volunteers[i] as Volunteer,
    community: c.community,
    distanceMetres: c.distanceMetres,
    tasksInHand: c.tasksInHand,
    score: c.score,
    reasons: c.reasons.map((r) => ({ factor: r.factor as CandidateFactor, metres: r.metres, detail: r.en, detailZh: r.zh })),
  }));
}
