import { badInput, forbidden, idempotent, isCommitteeOf, localIdOf, notFound, requireSignedIn, requireText, rolesOf } from '@lilong/kit';
import { Compound } from '../compound/compound.entity';
import { Household } from '../household/household.entity';
import type { GroupsContext } from '../loaders';
import { MembershipKind } from '../membership/membership.entity';
import { personOf, recordMembership } from '../membership/membership.service';
import { Group } from './group.entity';
import type { CreateGroupInput } from './group.inputs';

/**
 * Creates a compound's mutual-aid group. The committee may appoint any household of the compound as leader, and
 * name the person who leads it (`leader`); a resident may also start a group with their own household as leader
 * (most groups began that way in 2022), and then leads it. The leader's LEADER membership is recorded with the group.
 */
export async function createGroup(ctx: GroupsContext, input: CreateGroupInput): Promise<Group> {
  requireSignedIn(ctx.claims);
  const compoundId = localIdOf(ctx.community, input.compoundId, 'Compound', 'input.compoundId');
  const leaderId = localIdOf(ctx.community, input.leaderHouseholdId, 'Household', 'input.leaderHouseholdId');
  const selfNominated = rolesOf(ctx.claims, 'resident').some((r) => r.household === input.leaderHouseholdId);
  if (!selfNominated && !isCommitteeOf(ctx.claims, ctx.community)) {
    throw forbidden('a group is started by its own leader household or by the committee', '互助群须由团长本户或居委会创建');
  }
  const name = requireText(input.name, 'input.name', 60);
  const committee = isCommitteeOf(ctx.claims, ctx.community);
  if (input.leader && !committee) throw forbidden('only the committee names another person as a group’s leader', '只有居委会可以指定他人担任团长');
  const leaderPerson = input.leader ? personOf(input.leader, 'input.leader') : selfNominated ? ctx.claims.identity! : null;
  return idempotent(ctx, input.idempotencyKey, 'createGroup', input, Group, async (em) => {
    const compound = await em.findOne(Compound, { localId: compoundId });
    if (!compound) throw notFound('Compound', input.compoundId);
    const leader = await em.findOne(Household, { localId: leaderId });
    if (!leader) throw notFound('Household', input.leaderHouseholdId);
    if (leader.compound.localId !== compound.localId) {
      throw badInput('input.leaderHouseholdId', `the leader must live in ${compound.name}.`, `团长必须住在${compound.name}。`);
    }
    const group = em.create(Group, { name, compound, leader, createdAt: new Date() });
    await em.flush();
    if (leaderPerson) await recordMembership(em, ctx.community, leaderPerson, MembershipKind.LEADER, 'groupId', group.localId, ctx.claims.actor, 'leader of the group at its start');
    return group;
  });
}
