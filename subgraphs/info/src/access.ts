import { forbidden, isCommitteeOf, requireSignedIn, rolesOf } from '@lilong/kit';
import type { InfoContext } from './loaders';

/** Committee staff of this community publish its notices. */
export function requireCommittee(ctx: InfoContext): void {
  requireSignedIn(ctx.claims);
  if (!isCommitteeOf(ctx.claims, ctx.community)) {
    throw forbidden("only this community's residents' committee publishes its notices", '只有本社区居委会可以发布通知');
  }
}

/** Information officers and committee staff of this community run its Q&A and digests. */
export function isInformationStaff(ctx: InfoContext): boolean {
  return isCommitteeOf(ctx.claims, ctx.community) || rolesOf(ctx.claims, 'info_officer').some((r) => r.community === ctx.community);
}

export function requireInformationStaff(ctx: InfoContext): void {
  requireSignedIn(ctx.claims);
  if (!isInformationStaff(ctx)) {
    throw forbidden("only this community's information officers and committee staff do this", '只有本社区信息员和居委会可以操作');
  }
}
