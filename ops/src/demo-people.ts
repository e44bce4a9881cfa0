/**
 * The demo's people: who each seeded person is, as the demo identity provider names them. One rule for the seed
 * (which records their memberships in each community) and `npm run token -- --as ...` (which mints their tokens),
 * so the two always agree. A subject is `demo:<relation>:<what>`, e.g. `demo:leader-of:fahua:Group:1`.
 *
 * Kept free of the kit's index and the ORM: `npm run token` loads only this and jose.
 */

/** Issuer of the demo identity provider whose tokens the embedded hub accepts (a fixed name, wherever its JWKS is served). */
export const DEMO_ISSUER = 'lilong-demo-idp';

/** The relations `--as` takes, what each names, and what the seeded person holds. */
export const DEMO_RELATIONS = {
  'resident-of': { names: 'Household', holds: 'RESIDENT of the household 本户居民' },
  'leader-of': { names: 'Group', holds: "LEADER of the group, and RESIDENT of the group's leader household 团长" },
  'merchant-of': { names: 'Shop', holds: 'MERCHANT of the shop 商户' },
  volunteer: { names: 'Volunteer', holds: 'VOLUNTEER record 志愿者' },
  'helper-for': { names: 'Household', holds: 'a delegation (代办) to act for the household: GROUP_ORDERS and CARE_REQUESTS, 30 days' },
  'committee-of': { names: 'community', holds: "COMMITTEE staff of the community 居委会" },
  'dispatcher-of': { names: 'community', holds: 'DISPATCHER of the community 调度员' },
  'info-officer-of': { names: 'community', holds: 'INFO_OFFICER of the community 信息员' },
  subdistrict: { names: null, holds: 'sub-district staff: a hub grant 街道工作人员' },
  partner: { names: null, holds: 'the demo partner app: a hub grant 合作应用' },
} as const;

export type DemoRelation = keyof typeof DEMO_RELATIONS;

/** Subject of the demo sub-district staff member; the embedded hub grants it `subdistrict`. */
export const DEMO_SUBDISTRICT_SUBJECT = 'demo:subdistrict';
/** Subject and client ID of the demo partner app; the embedded hub grants it `partner`. */
export const DEMO_PARTNER_SUBJECT = 'demo:partner';
export const DEMO_PARTNER_APP = 'demo-partner-app';

/** The subject of the demo person with this relation, e.g. `demoSubject('leader-of', 'fahua:Group:1')`. */
export function demoSubject(relation: DemoRelation, what?: string): string {
  if (relation === 'subdistrict') return DEMO_SUBDISTRICT_SUBJECT;
  if (relation === 'partner') return DEMO_PARTNER_SUBJECT;
  return `demo:${relation}:${what}`;
}

/** The hub grants of the embedded default: the demo sub-district staff member and the demo partner app. */
export function demoHubGrants(): { issuer: string; subject?: string; clientId?: string; grant: { role: 'subdistrict' } | { role: 'partner'; app: string } }[] {
  return [
    { issuer: DEMO_ISSUER, subject: DEMO_SUBDISTRICT_SUBJECT, grant: { role: 'subdistrict' } },
    { issuer: DEMO_ISSUER, subject: DEMO_PARTNER_SUBJECT, grant: { role: 'partner', app: DEMO_PARTNER_APP } },
  ];
}
