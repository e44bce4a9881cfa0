import { forbidden, isCommitteeOf, isDispatcherOf, requireSignedIn, rolesOf, tryLocalId } from '@lilong/kit';
import type { VolunteersContext } from './loaders';

/** Dispatchers and committee staff of this community run its volunteer fleet. */
export function isDispatchOf(ctx: VolunteersContext): boolean {
  return isDispatcherOf(ctx.claims, ctx.community) || isCommitteeOf(ctx.claims, ctx.community);
}

/** Whether the caller is the volunteer with this local ID (a volunteer role of another community never is). */
export function isVolunteerSelf(ctx: VolunteersContext, localId: number): boolean {
  return rolesOf(ctx.claims, 'volunteer').some((r) => tryLocalId(ctx.community, r.volunteer, 'Volunteer') === localId);
}

export function requireDispatch(ctx: VolunteersContext): void {
  requireSignedIn(ctx.claims);
  if (!isDispatchOf(ctx)) {
    throw forbidden("only the community's dispatchers and committee manage its volunteers", '只有本社区调度员和居委会可以管理志愿者');
  }
}

/** The volunteer themself, or dispatch of this community; `volunteerId` may be malformed (checked later). */
export function requireSelfOrDispatch(ctx: VolunteersContext, volunteerId: string): void {
  requireSignedIn(ctx.claims);
  const localId = tryLocalId(ctx.community, volunteerId, 'Volunteer');
  if (localId !== undefined && isVolunteerSelf(ctx, localId)) return;
  if (!isDispatchOf(ctx)) {
    throw forbidden('a volunteer is changed by themself or by dispatch of their community', '只有志愿者本人或本社区调度员、居委会可以修改');
  }
}
