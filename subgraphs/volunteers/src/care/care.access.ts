/**
 * Who may see and do what with a care request, from the claims the node derived from the community's records.
 * One place for every check, so resolvers and services ask the same questions.
 */
import { actingFor, forbidden, isSubdistrictStaff, requireSignedIn, rolesOf, type Claims } from '@lilong/kit';
import { isDispatchOf } from '../access';
import type { VolunteersContext } from '../loaders';
import { CareStatus } from './care.enums';
import type { CareRequest } from './care.entity';

/** How the caller stands to a request; `undefined`: not at all. */
export type CareViewer = 'household' | 'dispatch' | 'volunteer' | 'subdistrict';

/** The volunteer global IDs the caller is, in any community (a borrowed volunteer's role comes from their own). */
export function volunteerIdsOf(claims: Claims): string[] {
  return rolesOf(claims, 'volunteer').map((r) => r.volunteer);
}

export function isAssignedVolunteer(claims: Claims, request: CareRequest): boolean {
  return request.volunteerId !== null && volunteerIdsOf(claims).includes(request.volunteerId);
}

/** The household itself (a member), or a helper with a care delegation for it. */
export function actsForHousehold(claims: Claims, householdId: string) {
  return actingFor(claims, householdId, 'care_requests');
}

export function viewerOf(ctx: VolunteersContext, request: CareRequest): CareViewer | undefined {
  if (actsForHousehold(ctx.claims, request.place.householdId)) return 'household';
  if (isDispatchOf(ctx)) return 'dispatch';
  if (isAssignedVolunteer(ctx.claims, request)) return 'volunteer';
  if (isSubdistrictStaff(ctx.claims)) return 'subdistrict';
  return undefined;
}

/** The exact address and phone: the household, dispatch, and the assigned volunteer while the task runs. */
export function seesExactAddress(ctx: VolunteersContext, request: CareRequest): boolean {
  const viewer = viewerOf(ctx, request);
  if (viewer === 'household' || viewer === 'dispatch') return true;
  return viewer === 'volunteer' && (request.status === CareStatus.ACCEPTED || request.status === CareStatus.UNDER_WAY);
}

export function requireViewer(ctx: VolunteersContext, request: CareRequest): CareViewer {
  requireSignedIn(ctx.claims);
  const viewer = viewerOf(ctx, request);
  if (!viewer) {
    throw forbidden(
      "a care request is seen by its household (or its helper), the community's dispatch, and the volunteer it is offered or assigned to",
      '求助仅限本户（或代办人）、本社区调度员和居委会、以及接单志愿者查看',
    );
  }
  return viewer;
}

export function requireCareDispatch(ctx: VolunteersContext): void {
  requireSignedIn(ctx.claims);
  if (!isDispatchOf(ctx)) {
    throw forbidden("only the community's dispatchers and committee staff triage and dispatch its care requests", '只有本社区调度员和居委会可以分诊、派单');
  }
}

export function requireAssignedVolunteer(ctx: VolunteersContext, request: CareRequest): void {
  requireSignedIn(ctx.claims);
  if (!isAssignedVolunteer(ctx.claims, request)) {
    throw forbidden('only the volunteer this task is offered or assigned to may do this', '只有接到此任务的志愿者本人可以操作');
  }
}

/** The household or its helper, or dispatch (taking the household's call). */
export function requireHouseholdOrDispatch(ctx: VolunteersContext, householdId: string): 'household' | 'helper' | 'dispatch' {
  requireSignedIn(ctx.claims);
  const acting = actsForHousehold(ctx.claims, householdId);
  if (acting) return acting.delegation ? 'helper' : 'household';
  if (isDispatchOf(ctx)) return 'dispatch';
  throw forbidden(
    "care is asked for by the household itself, a helper it delegated care requests to, or the community's dispatch",
    '求助须由本户居民、受托代办人或本社区调度员提出',
  );
}
