import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { requireSupplyFiguresReader } from '../access';
import { Community } from '../community/community.type';
import type { ShopsContext } from '../loaders';
import { OrderOutcomeDay, UnmetSearch } from './figures.types';
import { orderOutcomes } from './order-outcomes';
import { unmetSearches } from './unmet-searches';

/** The community's supply figures for the data console (committee, information officers, sub-district staff). */
@Resolver(() => Community)
export class SupplyFiguresResolver {
  @FieldResolver(() => [UnmetSearch], {
    nullable: true,
    description:
      "What people searched for (searchStock, Compound.stockNearby) that no shop of this community had in stock, most searched first, over the last `days` days (1-30, today included; `first` 1-50). Committee staff and information officers of the community, sub-district staff; others get FORBIDDEN. Null when the community is unavailable.",
  })
  unmetSearches(
    @Root() community: Community,
    @Arg('days', () => Int, { defaultValue: 7 }) days: number,
    @Arg('first', () => Int, { defaultValue: 10 }) first: number,
    @Ctx() ctx: ShopsContext,
  ): Promise<UnmetSearch[]> | null {
    if (community.code !== ctx.community) return null;
    requireSupplyFiguresReader(ctx);
    return unmetSearches(ctx.em).top(days, first);
  }

  @FieldResolver(() => [OrderOutcomeDay], {
    nullable: true,
    description:
      "The group orders of this community's shops that formed or failed, per day (Shanghai time) over the last `days` days (1-90, today included), oldest first, every day listed. Same readers as unmetSearches. Null when the community is unavailable.",
  })
  orderOutcomes(@Root() community: Community, @Arg('days', () => Int, { defaultValue: 14 }) days: number, @Ctx() ctx: ShopsContext): Promise<OrderOutcomeDay[]> | null {
    if (community.code !== ctx.community) return null;
    requireSupplyFiguresReader(ctx);
    return orderOutcomes(ctx.em, days);
  }
}
