import type { SubgraphModule } from '@lilong/kit';
import { scheduleDeadlines, tryLocalId } from '@lilong/kit';
import { CommunityResolver } from './community/community.resolver';
import { Community } from './community/community.type';
import { CompoundResolver } from './compound/compound.resolver';
import { Compound } from './compound/compound.type';
import { createShopsLoaders, type ShopsLoaders } from './loaders';
import { shopsNews } from './news';
import { migrations } from './migrations';
import { Product } from './product/product.entity';
import { ProductResolver } from './product/product.resolver';
import { Shop } from './shop/shop.entity';
import { ShopResolver } from './shop/shop.resolver';
import { LowStockResolver } from './stock/low-stock.resolver';
import { StockChange } from './stock/stock-change.entity';
import { StockResolver } from './stock/stock.resolver';
import { IdempotencyRecord } from '@lilong/kit';
import { groupOrderDeadlines } from './order/deadlines';
import { GroupOrder, GroupOrderItem, SignUp, SignUpLine } from './order/order.entity';
import {
  GroupOrderResolver,
  GroupOrdersOfGroupResolver,
  ShopOrdersResolver,
  SignUpResolver,
  SignUpsOfHouseholdResolver,
} from './order/order.resolver';
import { Group, Household } from './order/order.types';
import { Pool, PoolEntry, PoolEntryChange } from './pool/pool.entity';
import { GroupOrderPoolResolver, PoolEntryResolver, PoolResolver, ShopPoolsResolver } from './pool/pool.resolver';
import { poolDeadlines } from './pool/deadlines';
import { StockSearchResolver } from './search/search.resolver';
import { CommunityReachResolver } from './reach/reach.resolver';
import { SupplyFiguresResolver } from './figures/figures.resolver';
import { UnmetSearchCount } from './figures/unmet-search.entity';
import { Delegation, HelperAction } from './helper/helper-action.entity';
import { DelegationActionsResolver, HelperActionResolver, HouseholdHelperActionsResolver } from './helper/helper-action.resolver';

export { Shop, ShopKind } from './shop/shop.entity';
export { Product } from './product/product.entity';
export { StockChange, StockChangeKind } from './stock/stock-change.entity';
export { recordStockChange, stockLevels, type StockChangeRecord } from './stock/stock-change.service';
export { haversineMeters } from './distance';
export { GroupOrder, GroupOrderItem, SignUp, SignUpLine } from './order/order.entity';
export { GroupOrderStatus, HandOut, MinimumKind } from './order/order.enums';
export { Pool, PoolEntry, PoolEntryChange, PoolStatus } from './pool/pool.entity';
export { allocatePool, poolProgress, shareAmongHouseholds, type EntryChange, type PoolProgress } from './pool/allocation';
// The services the demo seed goes through, so that seeded orders and pools obey the same rules as the API's.
export { openGroupOrder, signUp } from './order/order.service';
export { acceptPool, joinPool, openPool, poolProgressOf } from './pool/pool.service';
// The deadlines as jobs (kit/src/jobs), for tests that move the clock.
export { CLOSE_GROUP_ORDER, groupOrderDeadlines } from './order/deadlines';
export { CLOSE_POOL, poolDeadlines } from './pool/deadlines';
// Searches with nothing in stock, for tests that write the batch at once.
export { unmetSearches, unmetTerm, UNMET_SEARCH_LIMITS } from './figures/unmet-searches';
export type { ShopsContext } from './loaders';

/** The `shops` domain: shops, their products and stock, and shops near a compound. */
export const shopsSubgraph: SubgraphModule<ShopsLoaders> = {
  name: 'shops',
  resolvers: [
    ShopResolver,
    ProductResolver,
    StockResolver,
    CompoundResolver,
    CommunityResolver,
    LowStockResolver,
    GroupOrderResolver,
    SignUpResolver,
    GroupOrdersOfGroupResolver,
    SignUpsOfHouseholdResolver,
    ShopOrdersResolver,
    PoolResolver,
    PoolEntryResolver,
    GroupOrderPoolResolver,
    ShopPoolsResolver,
    StockSearchResolver,
    HelperActionResolver,
    DelegationActionsResolver,
    HouseholdHelperActionsResolver,
    CommunityReachResolver,
    SupplyFiguresResolver,
  ],
  orphanedTypes: [Community, Compound, Group, Household, Delegation],
  entities: [Shop, Product, StockChange, GroupOrder, GroupOrderItem, SignUp, SignUpLine, Pool, PoolEntry, PoolEntryChange, HelperAction, IdempotencyRecord, UnmetSearchCount],
  migrations,
  createLoaders: (em) => createShopsLoaders(em),
  references: {
    Shop: ({ id }, ctx) => load(ctx.loaders.shop, tryLocalId(ctx.community, id, 'Shop')),
    Product: ({ id }, ctx) => load(ctx.loaders.product, tryLocalId(ctx.community, id, 'Product')),
    // Compounds of any community reach this node (Compound.nearbyShops fans out): the representation is enough.
    Compound: (representation) => representation,
    Community: ({ code }) => ({ code }),
    GroupOrder: ({ id }, ctx) => load(ctx.loaders.groupOrder, tryLocalId(ctx.community, id, 'GroupOrder')),
    Pool: ({ id }, ctx) => load(ctx.loaders.pool, tryLocalId(ctx.community, id, 'Pool')),
    // Groups and households of any community reach this node (their orders fan out): the representation is enough.
    Group: (representation) => representation,
    // Delegations of any community reach this node (their helpers' actions fan out): the representation is enough.
    Delegation: (representation) => representation,
    Household: (representation) => representation,
  },
  news: shopsNews,
  // Deadlines fire with nobody online, each order's and each pool's a job of its own (kit/src/jobs).
  startBackground: (context) => scheduleDeadlines(context, [groupOrderDeadlines(context), poolDeadlines(context)]),
};

async function load<T>(loader: { load(id: number): Promise<T | undefined> }, id: number | undefined): Promise<T | null> {
  return id === undefined ? null : ((await loader.load(id)) ?? null);
}
