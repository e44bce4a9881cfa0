/**
 * Who is calling. The hub verifies the caller's bearer token and forwards these claims to community nodes inside
 * its signed assertion. IDs in roles are global IDs, so each role names the community it applies to.
 */
export type Role =
  /**
   * A household, as the identity provider verified it: its global ID, its compound's, and its address
   * (building-unit-room, e.g. "12-3-402", and the building alone, for hand-out lists). Never a name.
   */
  | { role: 'resident'; household: string; compound: string; building: string; address: string }
  /** A group leader 团长: the group, the leader's household and the group's compound. */
  | { role: 'leader'; group: string; household: string; compound: string }
  | { role: 'merchant'; shop: string }
  | { role: 'volunteer'; volunteer: string }
  | { role: 'dispatcher'; community: string }
  | { role: 'info_officer'; community: string }
  | { role: 'committee'; community: string }
  | { role: 'subdistrict' }
  | { role: 'partner'; app: string };

export type RoleName = Role['role'];

export const ROLE_NAMES: readonly RoleName[] = [
  'resident', 'leader', 'merchant', 'volunteer', 'dispatcher', 'info_officer', 'committee', 'subdistrict', 'partner',
];

export interface Claims {
  /** Subject: the person or app, as the identity provider names them. `anonymous` without a token. */
  sub: string;
  roles: Role[];
}

export const ANONYMOUS: Claims = Object.freeze({ sub: 'anonymous', roles: [] as Role[] }) as Claims;

export function rolesOf<N extends RoleName>(claims: Claims, name: N): Extract<Role, { role: N }>[] {
  return claims.roles.filter((r): r is Extract<Role, { role: N }> => r.role === name);
}

export function isCommitteeOf(claims: Claims, community: string): boolean {
  return rolesOf(claims, 'committee').some((r) => r.community === community);
}

export function isSubdistrictStaff(claims: Claims): boolean {
  return rolesOf(claims, 'subdistrict').length > 0;
}

/** Validates the shape of untrusted claims (from a token); `undefined` when they are not well-formed. */
export function parseRoles(value: unknown): Role[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const roles: Role[] = [];
  for (const item of value) {
    if (typeof item !== 'object' || item === null) return undefined;
    const { role } = item as { role?: unknown };
    if (typeof role !== 'string' || !(ROLE_NAMES as readonly string[]).includes(role)) return undefined;
    for (const [key, v] of Object.entries(item)) {
      if (key !== 'role' && typeof v !== 'string') return undefined;
    }
    roles.push(item as Role);
  }
  return roles;
}
