/**
 * What the signed-in person watches, from their roles (Community.myRoles: the community's records and the hub's
 * grants), and the one query a view asks on each refresh. Free of React: the sign-in (session.ts) uses it before
 * the app has loaded.
 */
import { COMMUNITY_QUERY, COVERAGE_DAYS, INFORMATION_QUERY, SUBDISTRICT_QUERY, type CallerRole, type WhoAnswer } from './queries';

export interface CommunityInfo {
  code: string;
  name: string;
  nameEn: string | null;
}

/** How a community's staff see it: the committee's and dispatch's figures, or an information officer's panels. */
export type View = 'staff' | 'information';

/** Every community (sub-district staff), or one community at a time, as its staff or its information officer. */
export type Scope =
  | { kind: 'subdistrict'; communities: CommunityInfo[] }
  | { kind: 'community'; code: string; allowed: { code: string; view: View }[]; communities: CommunityInfo[] };

const STAFF_ROLES: readonly CallerRole[] = ['COMMITTEE', 'DISPATCHER'];

/** The scope the roles give, or undefined when they give none the console serves. */
export function scopeOf(communities: WhoAnswer['communities']): Scope | undefined {
  const infos = communities.map(({ code, name, nameEn }) => ({ code, name, nameEn }));
  if (communities.some((c) => c.myRoles?.includes('SUBDISTRICT'))) return { kind: 'subdistrict', communities: infos };
  const allowed = communities.flatMap((c): { code: string; view: View }[] => {
    const roles = c.myRoles ?? [];
    if (roles.some((r) => STAFF_ROLES.includes(r))) return [{ code: c.code, view: 'staff' }];
    if (roles.includes('INFO_OFFICER')) return [{ code: c.code, view: 'information' }];
    return [];
  });
  return allowed.length > 0 ? { kind: 'community', code: allowed[0]!.code, allowed, communities: infos } : undefined;
}

/** The view of the scope's community now shown ('subdistrict' for every community). */
export function viewOf(scope: Scope): View | 'subdistrict' {
  return scope.kind === 'subdistrict' ? 'subdistrict' : scope.allowed.find((a) => a.code === scope.code)?.view ?? 'staff';
}

/** The codes the scope shows now, in directory order. */
export const codesOf = (scope: Scope): string[] => (scope.kind === 'subdistrict' ? scope.communities.map((c) => c.code) : [scope.code]);

/** The document and variables of one refresh of the scope's dashboard. */
export function dashboardQuery(scope: Scope): { query: string; variables: Record<string, unknown> } {
  const view = viewOf(scope);
  const code = codesOf(scope)[0];
  if (view === 'subdistrict') return { query: SUBDISTRICT_QUERY, variables: { days: COVERAGE_DAYS } };
  if (view === 'information') return { query: INFORMATION_QUERY, variables: { code } };
  return { query: COMMUNITY_QUERY, variables: { code, days: COVERAGE_DAYS } };
}
