import { forbidden, isCommitteeOf, requireSignedIn, rolesOf, tryLocalId } from '@lilong/kit';
import type { GroupsContext } from './loaders';

/** Committee staff of this community may manage its directory of compounds and households. */
export function requireCommittee(ctx: GroupsContext): void {
  requireSignedIn(ctx.claims);
  if (!isCommitteeOf(ctx.claims, ctx.community)) {
    throw forbidden("only the community's residents' committee manages its directory", '只有本社区居委会可以管理名录');
  }
}

/** The compounds whose groups the caller leads in this community. */
export async function ledCompoundIds(ctx: GroupsContext): Promise<Set<number>> {
  const groupIds = rolesOf(ctx.claims, 'leader')
    .map((r) => tryLocalId(ctx.community, r.group, 'Group'))
    .filter((id): id is number => id !== undefined);
  const groups = await ctx.loaders.group.loadMany(groupIds);
  return new Set(groups.flatMap((g) => (g && !(g instanceof Error) ? [g.compound.localId] : [])));
}

/** Household addresses of a compound: its committee, and the leaders of its groups (for hand-out lists). */
export async function canSeeHouseholdsOf(ctx: GroupsContext, compoundId: number): Promise<boolean> {
  if (isCommitteeOf(ctx.claims, ctx.community)) return true;
  return (await ledCompoundIds(ctx)).has(compoundId);
}
