import { COMMUNITIES_ARG_DESCRIPTION, globalIdOf, inScope, localIdOf, requireInt } from '@lilong/kit';
import { Arg, Ctx, Directive, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Community } from '../community/community.type';
import type { ShopsContext } from '../loaders';
import { GroupOrder } from '../order/order.entity';
import { Product } from '../product/product.entity';
import { Shop } from '../shop/shop.entity';
import { Pool, PoolEntry, PoolStatus } from './pool.entity';
import { DeclinePoolInput, JoinPoolInput, OpenPoolInput, PoolActionInput } from './pool.inputs';
import { acceptPool, closePool, declinePool, joinPool, openPool, poolProgressOf } from './pool.service';
import { AllocationExplanationView, PoolProgressView } from './pool.types';

/** A pool's live progress, computed once per request however many fields (and the fan-out sort key) ask for it. */
function progressOf(pool: Pool, ctx: ShopsContext): Promise<PoolProgressView> {
  let progress = ctx.loaders.poolProgress.get(pool.localId);
  if (!progress) ctx.loaders.poolProgress.set(pool.localId, (progress = computeProgress(pool, ctx)));
  return progress;
}

async function computeProgress(pool: Pool, ctx: ShopsContext): Promise<PoolProgressView> {
  const p = await poolProgressOf(ctx, pool);
  return {
    totalQuantity: p.totalQuantity,
    totalTolerance: p.totalTolerance,
    packsIfClosedNow: p.packsIfClosedNow,
    unitsToNextPack: p.unitsToNextPack,
    unitsToNextPackWithTolerance: p.unitsToNextPackWithTolerance,
    packsMissing: p.missingPacksToMinimum,
    wouldForm: p.wouldForm,
    stockLimited: p.stockLimited,
    unitsBelowOwnMinimum: p.unitsBelowOwnMinimum,
  };
}

/** Whether a pool still gathers orders, so that its live progress means something. */
const gathering = (pool: Pool) => pool.status === PoolStatus.OPEN || pool.status === PoolStatus.PROPOSED;

@Resolver(() => Pool)
export class PoolResolver {
  @FieldResolver(() => ID)
  id(@Root() pool: Pool, @Ctx() ctx: ShopsContext): string {
    return globalIdOf(ctx.community, 'Pool', pool.localId);
  }

  @FieldResolver(() => Shop)
  async shop(@Root() pool: Pool, @Ctx() ctx: ShopsContext): Promise<Shop> {
    return (await ctx.loaders.shop.load(pool.shop.localId))!;
  }

  @FieldResolver(() => Product)
  async product(@Root() pool: Pool, @Ctx() ctx: ShopsContext): Promise<Product> {
    return (await ctx.loaders.product.load(pool.product.localId))!;
  }

  @FieldResolver(() => Community)
  community(@Ctx() ctx: ShopsContext): Community {
    return { code: ctx.community };
  }

  @FieldResolver(() => String, { nullable: true })
  statusReason(@Root() pool: Pool): string | null {
    return pool.statusReason?.en ?? null;
  }

  @FieldResolver(() => String, { nullable: true })
  statusReasonZh(@Root() pool: Pool): string | null {
    return pool.statusReason?.zh ?? null;
  }

  @FieldResolver(() => PoolProgressView, { description: 'Live: units to the next full pack, packs still missing to the minimum.' })
  progress(@Root() pool: Pool, @Ctx() ctx: ShopsContext): Promise<PoolProgressView> {
    return progressOf(pool, ctx);
  }

  @FieldResolver(() => Int, { description: 'Packs still missing to the minimum if the pool closed now (0 once formed): the fan-out sort key of openPools.' })
  async packsMissing(@Root() pool: Pool, @Ctx() ctx: ShopsContext): Promise<number> {
    return gathering(pool) ? (await progressOf(pool, ctx)).packsMissing : 0;
  }

  @FieldResolver(() => [PoolEntry], { description: 'The group orders in the pool, in joining order: quantities only, never households.' })
  entries(@Root() pool: Pool, @Ctx() ctx: ShopsContext): Promise<PoolEntry[]> {
    return ctx.loaders.entriesByPool.load(pool.localId);
  }

  @Query(() => Pool, { nullable: true })
  @Directive('@routeBy(arg: "id")')
  async pool(@Arg('id', () => ID) id: string, @Ctx() ctx: ShopsContext): Promise<Pool | null> {
    return (await ctx.loaders.pool.load(localIdOf(ctx.community, id, 'Pool'))) ?? null;
  }

  @Query(() => [Pool], {
    description:
      'Pools taking orders in every community (open, or proposed and waiting for their merchant), nearest to forming first: where a few more orders would make the minimum.',
  })
  @Directive('@fanout(sortBy: "packsMissing", order: "ASC", limitArg: "first", communitiesArg: "communities")')
  async openPools(
    @Arg('first', () => Int, { defaultValue: 20 }) first: number,
    @Arg('communities', () => [String], { nullable: true, description: COMMUNITIES_ARG_DESCRIPTION }) communities: string[] | null,
    @Ctx() ctx: ShopsContext,
  ): Promise<Pool[]> {
    requireInt(first, 'first', 1, 100);
    if (!inScope(ctx.community, communities)) return [];
    const pools = await ctx.loaders.openPools.load('all');
    const ranked = await Promise.all(pools.map(async (pool) => ({ pool, missing: (await progressOf(pool, ctx)).packsMissing })));
    return ranked.sort((a, b) => a.missing - b.missing || a.pool.deadline.getTime() - b.pool.deadline.getTime()).slice(0, first).map((r) => r.pool);
  }

  @Mutation(() => Pool, {
    description:
      "The shop's merchant opens a pool 发起拼单 for a product (pack size, minimum packs, deadline), accepted at once; a group leader of any community proposes one, which waits for the merchant to accept it (acceptPool) before it can close.",
  })
  @Directive('@routeBy(arg: "input.productId")')
  openPool(@Arg('input') input: OpenPoolInput, @Ctx() ctx: ShopsContext): Promise<Pool> {
    return openPool(ctx, input);
  }

  @Mutation(() => Pool, { description: "The shop's merchant accepts a proposed pool 接受拼单: it then closes at its deadline, and the pool decides its orders' stock." })
  @Directive('@routeBy(arg: "input.poolId")')
  acceptPool(@Arg('input') input: PoolActionInput, @Ctx() ctx: ShopsContext): Promise<Pool> {
    return acceptPool(ctx, input);
  }

  @Mutation(() => Pool, {
    description: "The shop's merchant declines a proposed pool 拒绝拼单, with a reason: its group orders leave it and run on their own again, with their sign-ups.",
  })
  @Directive('@routeBy(arg: "input.poolId")')
  declinePool(@Arg('input') input: DeclinePoolInput, @Ctx() ctx: ShopsContext): Promise<Pool> {
    return declinePool(ctx, input);
  }

  @Mutation(() => Pool, {
    description: "A leader puts the group's order into a pool with a tolerance, or changes its tolerance; the order's sign-ups are its quantity, and the entry follows them.",
  })
  @Directive('@routeBy(arg: "input.poolId")')
  joinPool(@Arg('input') input: JoinPoolInput, @Ctx() ctx: ShopsContext): Promise<Pool> {
    return joinPool(ctx, input);
  }

  @Mutation(() => Pool, { description: 'The merchant closes an accepted pool before its deadline: it forms or fails now.' })
  @Directive('@routeBy(arg: "input.poolId")')
  closePool(@Arg('input') input: PoolActionInput, @Ctx() ctx: ShopsContext): Promise<Pool> {
    return closePool(ctx, input);
  }
}

@Resolver(() => PoolEntry)
export class PoolEntryResolver {
  @FieldResolver(() => GroupOrder)
  async order(@Root() entry: PoolEntry, @Ctx() ctx: ShopsContext): Promise<GroupOrder> {
    return (await ctx.loaders.groupOrder.load(entry.order.localId))!;
  }

  @FieldResolver(() => AllocationExplanationView, { nullable: true, description: 'Why the group order got what it got 为什么分到这么多; null while open.' })
  explanation(@Root() entry: PoolEntry): AllocationExplanationView | null {
    const e = entry.explanation;
    if (!e) return null;
    return {
      rule: e.rule,
      message: e.message.en,
      messageZh: e.message.zh,
      requested: e.requested,
      allocated: e.allocated,
      fromTolerance: e.fromTolerance,
      packs: e.packs,
      packSize: e.packSize,
      position: e.queuePosition,
    };
  }
}

@Resolver(() => GroupOrder)
export class GroupOrderPoolResolver {
  @FieldResolver(() => Pool, { nullable: true, description: 'The pool this order joined, if any.' })
  async pool(@Root() order: GroupOrder, @Ctx() ctx: ShopsContext): Promise<Pool | null> {
    const entry = await ctx.loaders.entryByOrder.load(order.localId);
    return entry ? ((await ctx.loaders.pool.load(entry.pool.localId)) ?? null) : null;
  }

  @FieldResolver(() => PoolEntry, { nullable: true, description: "This order's entry in its pool: quantity, tolerance, allocation and why." })
  poolEntry(@Root() order: GroupOrder, @Ctx() ctx: ShopsContext): Promise<PoolEntry | undefined> {
    return ctx.loaders.entryByOrder.load(order.localId);
  }
}

@Resolver(() => Shop)
export class ShopPoolsResolver {
  @FieldResolver(() => [Pool], { description: "The shop's pools taking orders (open, or proposed and waiting for its merchant), by deadline." })
  pools(@Root() shop: Shop, @Ctx() ctx: ShopsContext): Promise<Pool[]> {
    return ctx.loaders.openPoolsByShop.load(shop.localId);
  }
}
