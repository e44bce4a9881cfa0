import { forbidden, globalIdOf, isCommitteeOf, requireSignedIn, rolesOf } from '@lilong/kit';
import { Ctx, Directive, FieldResolver, ID, Resolver, Root } from 'type-graphql';
import { GroupOrder } from '../order/order.entity';
import { Household } from '../order/order.types';
import type { ShopsContext } from '../loaders';
import { Delegation, HelperAction } from './helper-action.entity';

const communityOf = (globalId: string) => globalId.split(':')[0]!;

@Resolver(() => HelperAction)
export class HelperActionResolver {
  @FieldResolver(() => ID)
  id(@Root() action: HelperAction, @Ctx() ctx: ShopsContext): string {
    return globalIdOf(ctx.community, 'HelperAction', action.localId);
  }

  @FieldResolver(() => GroupOrder)
  order(@Root() action: HelperAction, @Ctx() ctx: ShopsContext): Promise<GroupOrder | undefined> {
    return ctx.loaders.groupOrder.load(action.order.localId);
  }

  @FieldResolver(() => String, { description: 'E.g. "由代办人代为报名：8-客堂间 (signed up by a helper for 8-客堂间)".' })
  label(@Root() action: HelperAction): string {
    const zh = { SIGNED_UP: '由代办人代为报名', CHANGED: '由代办人代为修改', WITHDREW: '由代办人代为取消' }[action.kind];
    const en = { SIGNED_UP: 'signed up by a helper', CHANGED: 'changed by a helper', WITHDREW: 'withdrawn by a helper' }[action.kind];
    return `${zh}：${action.address} (${en} for ${action.address})`;
  }
}

@Resolver(() => Delegation)
export class DelegationActionsResolver {
  @FieldResolver(() => [HelperAction], {
    nullable: true,
    description: "What the delegation's helper did in group orders at merchants of any community, newest first: for the committee of the household's community and the household itself.",
  })
  @Directive('@fanout(sortBy: "at", order: "DESC")')
  helperActions(@Root() delegation: Delegation, @Ctx() ctx: ShopsContext): Promise<HelperAction[]> {
    requireSignedIn(ctx.claims);
    if (!isCommitteeOf(ctx.claims, communityOf(delegation.id))) {
      throw forbidden("a delegation's actions are listed for the household's committee", '代办记录仅向本户所在社区居委会列出');
    }
    return ctx.em.find(HelperAction, { delegationId: delegation.id }, { orderBy: { at: 'desc', localId: 'desc' }, limit: 500 });
  }
}

@Resolver(() => Household)
export class HouseholdHelperActionsResolver {
  @FieldResolver(() => [HelperAction], {
    nullable: true,
    description: 'What helpers did in the household’s name in group orders at merchants of any community, newest first: for the household itself and its committee.',
  })
  @Directive('@fanout(sortBy: "at", order: "DESC")')
  helperActions(@Root() household: Household, @Ctx() ctx: ShopsContext): Promise<HelperAction[]> {
    requireSignedIn(ctx.claims);
    const own = rolesOf(ctx.claims, 'resident').some((r) => r.household === household.id);
    if (!own && !isCommitteeOf(ctx.claims, communityOf(household.id))) {
      throw forbidden('what was done in a household’s name is visible to the household and its committee', '代办记录仅本户和本社区居委会可见');
    }
    return ctx.em.find(HelperAction, { householdId: household.id }, { orderBy: { at: 'desc', localId: 'desc' }, limit: 500 });
  }
}
