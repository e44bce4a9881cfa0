import { communityOfRole, type Claims, type Role } from '@lilong/kit';
import { registerEnumType } from 'type-graphql';

/**
 * What the signed-in person is in one community 我在本社区的身份: the roles this community's records give them
 * (memberships, delegations) and the hub's grants (sub-district staff, a partner app), which hold everywhere.
 * The data console picks its view from these.
 */
export enum CallerRole {
  RESIDENT = 'RESIDENT',
  LEADER = 'LEADER',
  DEPUTY = 'DEPUTY',
  MERCHANT = 'MERCHANT',
  VOLUNTEER = 'VOLUNTEER',
  DISPATCHER = 'DISPATCHER',
  INFO_OFFICER = 'INFO_OFFICER',
  COMMITTEE = 'COMMITTEE',
  HELPER = 'HELPER',
  SUBDISTRICT = 'SUBDISTRICT',
  PARTNER = 'PARTNER',
}

registerEnumType(CallerRole, {
  name: 'CallerRole',
  description: 'A role of the signed-in person in a community, from its records or a hub grant 身份',
  valuesConfig: {
    RESIDENT: { description: 'Lives in a household of the community 居民' },
    LEADER: { description: 'Leads a group 团长' },
    DEPUTY: { description: 'Deputy leader of a group 副团长' },
    MERCHANT: { description: 'Runs a shop 商户' },
    VOLUNTEER: { description: 'A registered volunteer 志愿者' },
    DISPATCHER: { description: 'Dispatches care 调度员' },
    INFO_OFFICER: { description: 'Information officer 信息员' },
    COMMITTEE: { description: "Residents' committee staff 居委会工作人员" },
    HELPER: { description: 'Acts for a household under a delegation 代办人' },
    SUBDISTRICT: { description: 'Sub-district staff (a hub grant, every community) 街道工作人员' },
    PARTNER: { description: 'A partner app (a hub grant) 合作应用' },
  },
});

/**
 * Each of the kit's roles (auth/claims.ts, the one list of them) as the API names it: exhaustive, so a role added
 * there does not compile here until it is named (or said to be no role of a person, as the hub's relay grant).
 */
const ROLE_OF: Record<Role['role'], CallerRole | null> = {
  resident: CallerRole.RESIDENT,
  leader: null, // LEADER or DEPUTY, by the membership (below)
  merchant: CallerRole.MERCHANT,
  volunteer: CallerRole.VOLUNTEER,
  dispatcher: CallerRole.DISPATCHER,
  info_officer: CallerRole.INFO_OFFICER,
  committee: CallerRole.COMMITTEE,
  helper: CallerRole.HELPER,
  subdistrict: CallerRole.SUBDISTRICT,
  partner: CallerRole.PARTNER,
  relay: null,
};

/** The caller's roles in `community`, each once, in the enum's order. The hub's own relay grant is not a role. */
export function callerRoles(claims: Claims, community: string): CallerRole[] {
  const found = new Set<CallerRole>();
  for (const role of claims.roles) {
    const where = communityOfRole(role);
    if (where !== undefined && where !== community) continue;
    const name = role.role === 'leader' ? (role.deputy ? CallerRole.DEPUTY : CallerRole.LEADER) : ROLE_OF[role.role];
    if (name) found.add(name);
  }
  const order = Object.values(CallerRole);
  return [...found].sort((a, b) => order.indexOf(a) - order.indexOf(b));
}
