import { DELEGATION_SCOPES, globalIdOf, type DelegationScope, type Identity, type Role } from '@lilong/kit';
import type { EntityManager } from '@mikro-orm/postgresql';
import { addressLabelOf } from '../household/household.entity';
import { MembershipKind } from './membership.entity';

interface Row {
  source: 'membership' | 'delegation';
  id: number;
  kind: MembershipKind | null;
  target_id: number | null;
  household_id: number | null;
  household_compound: number | null;
  building: string | null;
  unit: string | null;
  room: string | null;
  group_id: number | null;
  group_compound: number | null;
  group_leader: number | null;
  scopes: string[] | null;
}

/**
 * Everything an identity is in this community, from the committee's records, in one SQL statement: active
 * memberships (with each household's registered address and each group's compound), and the delegations in force
 * now. The node calls this once per request, before any resolver runs; nothing is cached, so a revocation takes
 * effect with the next request.
 */
export async function rolesFor(em: EntityManager, community: string, identity: Identity, now = new Date()): Promise<Role[]> {
  const rows: Row[] = await em.getConnection().execute(
    `select 'membership' as source, m.id, m.kind, m.target_id, h.id as household_id, h.compound_id as household_compound,
            h.building, h.unit, h.room, g.id as group_id, g.compound_id as group_compound, g.leader_id as group_leader, null::text[] as scopes
       from membership m
       left join household h on h.id = m.household_id
       left join mutual_aid_group g on g.id = m.group_id
      where m.person_issuer = ? and m.person_subject = ? and m.revoked_at is null
     union all
     select 'delegation', d.id, null, null, h.id, h.compound_id, h.building, h.unit, h.room, null, null, null, d.scopes
       from delegation d
       join household h on h.id = d.household_id
      where d.helper_issuer = ? and d.helper_subject = ? and d.revoked_at is null and d.valid_from <= ? and d.valid_until > ?`,
    [identity.issuer, identity.subject, identity.issuer, identity.subject, now, now],
  );
  const id = (type: string, localId: number) => globalIdOf(community, type, localId);
  const roles: Role[] = [];
  for (const row of rows) {
    const home =
      row.household_id === null
        ? undefined
        : {
            household: id('Household', row.household_id),
            compound: id('Compound', row.household_compound!),
            building: row.building!,
            address: addressLabelOf({ building: row.building!, unit: row.unit ?? '', room: row.room! }),
          };
    if (row.source === 'delegation') {
      const scopes = (row.scopes ?? []).map((s) => s.toLowerCase()).filter((s): s is DelegationScope => (DELEGATION_SCOPES as readonly string[]).includes(s));
      roles.push({ role: 'helper', delegation: id('Delegation', row.id), ...home!, scopes });
      continue;
    }
    switch (row.kind) {
      case MembershipKind.RESIDENT:
        if (home) roles.push({ role: 'resident', ...home });
        break;
      case MembershipKind.LEADER:
      case MembershipKind.DEPUTY:
        if (row.group_id !== null) {
          roles.push({
            role: 'leader',
            group: id('Group', row.group_id),
            household: id('Household', row.group_leader!),
            compound: id('Compound', row.group_compound!),
            deputy: row.kind === MembershipKind.DEPUTY,
          });
        }
        break;
      case MembershipKind.MERCHANT:
        if (row.target_id !== null) roles.push({ role: 'merchant', shop: id('Shop', row.target_id) });
        break;
      case MembershipKind.VOLUNTEER:
        if (row.target_id !== null) roles.push({ role: 'volunteer', volunteer: id('Volunteer', row.target_id) });
        break;
      case MembershipKind.DISPATCHER:
        roles.push({ role: 'dispatcher', community });
        break;
      case MembershipKind.INFO_OFFICER:
        roles.push({ role: 'info_officer', community });
        break;
      case MembershipKind.COMMITTEE:
        roles.push({ role: 'committee', community });
        break;
      default:
        break;
    }
  }
  return roles;
}
