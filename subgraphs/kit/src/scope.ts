/**
 * The scope of a sub-district list: the `communities` argument of a fan-out root field
 * (`@fanout(communitiesArg: "communities")`). The hub asks only the communities named; a node asked anyway (a
 * direct call, a hub of an older release) answers nothing unless it is among them, so the argument means the same
 * wherever it is read.
 */
export const COMMUNITIES_ARG = 'communities';

export const COMMUNITIES_ARG_DESCRIPTION =
  'Only these communities (their codes); every community when omitted. 只查这些社区（社区编号），不填则查全部社区。';

/** Whether a node serving `community` should answer a list scoped to `communities` (null: every community). */
export function inScope(community: string, communities: readonly string[] | null | undefined): boolean {
  return communities === null || communities === undefined || communities.includes(community);
}
