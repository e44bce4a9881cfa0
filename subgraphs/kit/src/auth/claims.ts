/**
 * Who is calling, and what they may do.
 *
 * - A bearer token proves an **identity**: issuer + subject, as the identity provider names the person or app. It
 *   grants nothing in any community.
 * - The hub adds its own **hub grants** (sub-district staff, partner apps), configured at the hub per issuer and
 *   subject, and forwards both to community nodes in its signed assertion (the **caller**).
 * - A community node turns the caller into **claims**: the hub grants plus the roles the community's own records
 *   give that identity (residency, group leadership, merchants, volunteers, dispatchers, information officers,
 *   committee staff, delegations). IDs in roles are global IDs, so each role names the community it applies to.
 */

/** A person or app as an identity provider names them. Issuer and subject together; a subject alone means nothing. */
export interface Identity {
  /** The identity provider's issuer identifier (`iss`), e.g. `https://id.example.org`. Never contains `#`. */
  issuer: string;
  /** The identity provider's subject (`sub`). */
  subject: string;
}

/**
 * Grants the hub gives by its own configuration, never from a community's records. `relay` is the hub's own: its
 * relay carries steps between communities (a volunteer borrowed across a community line) and is never configured.
 */
export type HubGrant = { role: 'subdistrict' } | { role: 'partner'; app: string } | { role: 'relay' };

/**
 * What the hub forwards to a node: who is calling (`null`: anonymous), the hub grants, and the caller's roles in
 * *other* communities, as those communities' own nodes answered the hub (`/access`). A node reads its own
 * community's records itself and ignores any forwarded role that names its own community.
 */
export interface Caller {
  identity: Identity | null;
  grants: HubGrant[];
  /** Roles from other communities' records (a household in one community signs up at a shop of another). */
  roles?: Role[];
  /**
   * The communities the hub knows to have records of this identity, when it knows (absent: unknown). A node not
   * among them has no records of the caller and need not read them; the hint can only ever withhold a role.
   */
  homes?: string[];
}

export const ANONYMOUS_CALLER: Caller = Object.freeze({ identity: null, grants: [] as HubGrant[] }) as Caller;

/** What a helper may do for a household under a delegation (代办). */
export type DelegationScope = 'group_orders' | 'care_requests';

export const DELEGATION_SCOPES: readonly DelegationScope[] = ['group_orders', 'care_requests'];

/** A role from the community's records, or a hub grant. */
export type Role =
  /**
   * A member of a household (居民), from the committee's records: the household's global ID, its compound's, and its
   * registered address (building-unit-room, e.g. "12-3-402", and the building alone, for hand-out lists). Never a name.
   */
  | { role: 'resident'; household: string; compound: string; building: string; address: string }
  /** A group's leader 团长 or deputy: the group, the household the group delivers from, and the group's compound. */
  | { role: 'leader'; group: string; household: string; compound: string; deputy: boolean }
  | { role: 'merchant'; shop: string }
  | { role: 'volunteer'; volunteer: string }
  | { role: 'dispatcher'; community: string }
  | { role: 'info_officer'; community: string }
  | { role: 'committee'; community: string }
  /**
   * A helper acting for a household (代办) under a delegation the committee recorded: the delegation's global ID, the
   * household as a resident role would name it, and what the helper may do for it.
   */
  | { role: 'helper'; delegation: string; household: string; compound: string; building: string; address: string; scopes: DelegationScope[] }
  | HubGrant;

export type RoleName = Role['role'];

export const ROLE_NAMES: readonly RoleName[] = [
  'resident', 'leader', 'merchant', 'volunteer', 'dispatcher', 'info_officer', 'committee', 'helper', 'subdistrict', 'partner', 'relay',
];

export interface Claims {
  /**
   * Who acts, as one string for audit trails, idempotency records and sign-ups: `<issuer>#<subject>` (issuers
   * never contain `#`, so the two cannot be confused), or `anonymous`.
   */
  actor: string;
  identity: Identity | null;
  roles: Role[];
}

export const ANONYMOUS: Claims = Object.freeze({ actor: 'anonymous', identity: null, roles: [] as Role[] }) as Claims;

/** The actor string of an identity: `<issuer>#<subject>`. */
export function actorOf(identity: Identity): string {
  return `${identity.issuer}#${identity.subject}`;
}

/** Claims for an identity with the given roles (the node builds these from its records). */
export function claimsFor(identity: Identity | null, roles: Role[]): Claims {
  if (!identity) return roles.length === 0 ? ANONYMOUS : { actor: ANONYMOUS.actor, identity: null, roles };
  return { actor: actorOf(identity), identity, roles };
}

export function isSignedIn(claims: Claims): boolean {
  return claims.identity !== null;
}

export function rolesOf<N extends RoleName>(claims: Claims, name: N): Extract<Role, { role: N }>[] {
  return claims.roles.filter((r): r is Extract<Role, { role: N }> => r.role === name);
}

export function isCommitteeOf(claims: Claims, community: string): boolean {
  return rolesOf(claims, 'committee').some((r) => r.community === community);
}

export function isDispatcherOf(claims: Claims, community: string): boolean {
  return rolesOf(claims, 'dispatcher').some((r) => r.community === community);
}

export function isSubdistrictStaff(claims: Claims): boolean {
  return rolesOf(claims, 'subdistrict').length > 0;
}

/**
 * Who watches over a community as a whole (its coverage report: who is being missed): its committee staff and
 * information officers, and sub-district staff, who watch every community. The one rule for every domain that
 * serves part of that view (groups: the report; shops: which households group orders reached).
 */
export function watchesOver(claims: Claims, community: string): boolean {
  return (
    isSubdistrictStaff(claims) ||
    isCommitteeOf(claims, community) ||
    rolesOf(claims, 'info_officer').some((r) => r.community === community)
  );
}

/**
 * The household roles through which the caller may act for `householdId` in `scope`: their own residency, or a
 * helper's delegation for that scope. `undefined` when neither.
 */
export function actingFor(
  claims: Claims,
  householdId: string,
  scope: DelegationScope,
): { household: string; compound: string; building: string; address: string; delegation?: string } | undefined {
  const own = rolesOf(claims, 'resident').find((r) => r.household === householdId);
  if (own) return own;
  const helper = rolesOf(claims, 'helper').find((r) => r.household === householdId && r.scopes.includes(scope));
  return helper ? { household: helper.household, compound: helper.compound, building: helper.building, address: helper.address, delegation: helper.delegation } : undefined;
}

const ROLE_FIELDS: Record<Exclude<RoleName, 'subdistrict' | 'partner' | 'relay'>, readonly string[]> = {
  resident: ['household', 'compound', 'building', 'address'],
  leader: ['group', 'household', 'compound', 'deputy'],
  merchant: ['shop'],
  volunteer: ['volunteer'],
  dispatcher: ['community'],
  info_officer: ['community'],
  committee: ['community'],
  helper: ['delegation', 'household', 'compound', 'building', 'address', 'scopes'],
};

/** The community a community role applies to (from its IDs); `undefined` for hub grants. */
export function communityOfRole(role: Role): string | undefined {
  switch (role.role) {
    case 'resident':
    case 'helper':
      return role.household.split(':')[0];
    case 'leader':
      return role.group.split(':')[0];
    case 'merchant':
      return role.shop.split(':')[0];
    case 'volunteer':
      return role.volunteer.split(':')[0];
    case 'dispatcher':
    case 'info_officer':
    case 'committee':
      return role.community;
    default:
      return undefined;
  }
}

/** Validates community roles forwarded in an assertion (never hub grants); `undefined` when they are not well-formed. */
export function parseCommunityRoles(value: unknown): Role[] | undefined {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.length > 1000) return undefined;
  const roles: Role[] = [];
  for (const item of value) {
    if (typeof item !== 'object' || item === null) return undefined;
    const fields = ROLE_FIELDS[(item as { role?: unknown }).role as keyof typeof ROLE_FIELDS];
    if (!fields) return undefined;
    const record = item as Record<string, unknown>;
    if (Object.keys(record).length !== fields.length + 1) return undefined;
    for (const field of fields) {
      const v = record[field];
      const ok = field === 'deputy' ? typeof v === 'boolean' : field === 'scopes' ? Array.isArray(v) && v.every((s) => (DELEGATION_SCOPES as readonly unknown[]).includes(s)) : typeof v === 'string' && v !== '';
      if (!ok) return undefined;
    }
    roles.push(item as Role);
  }
  return roles;
}

/** Validates hub grants from an assertion; `undefined` when they are not well-formed. */
export function parseHubGrants(value: unknown): HubGrant[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const grants: HubGrant[] = [];
  for (const item of value) {
    if (typeof item !== 'object' || item === null) return undefined;
    const { role, app } = item as { role?: unknown; app?: unknown };
    if ((role === 'subdistrict' || role === 'relay') && app === undefined) grants.push({ role });
    else if (role === 'partner' && typeof app === 'string' && app !== '') grants.push({ role, app });
    else return undefined;
  }
  return grants;
}

/** Validates an identity from an assertion; `undefined` when it is not well-formed. */
export function parseIdentity(issuer: unknown, subject: unknown): Identity | undefined {
  if (typeof issuer !== 'string' || typeof subject !== 'string') return undefined;
  if (issuer === '' || subject === '' || issuer.includes('#')) return undefined;
  return { issuer, subject };
}
