/**
 * Seeds demo group orders 团购 and pools 拼单 across the demo communities (data in demo-orders.ts), once every
 * community has been seeded by `seedCommunity`.
 *
 * Groups and households are read from each community's own `groups` schema; orders, sign-ups and pools are written
 * to the merchant's community's `shops` schema, as the shops subgraph would have written them:
 * - a pooled order is a single-product group order with status POOLED, its sign-ups hold no stock, and its pool entry
 *   carries the sum of its sign-ups, a tolerance, and one PoolEntryChange per edit (the pool reserves at its close);
 * - a stand-alone order is OPEN and each sign-up reserves its units at once: product.reserved, line.reserved,
 *   stockVersion and a RESERVE entry in the stock audit (`recordStockChange`).
 *
 * Everything is looked up and checked before anything is written; then each merchant community is written in one
 * transaction. Idempotent: if any community's shops schema already holds a pool, nothing is done.
 */
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Group, Household } from '@lilong/groups';
import { formatGlobalId } from '@lilong/schema';
import {
  GroupOrder, GroupOrderItem, GroupOrderStatus, HandOut, MinimumKind, Pool, PoolEntry, PoolEntryChange, poolProgress, Product,
  recordStockChange, Shop, SignUp, SignUpLine, StockChangeKind, stockLevels, type EntryChange, type PoolProgress,
} from '@lilong/shops';
import {
  DEMO_POOLS,
  DEMO_STANDALONE_ORDERS,
  POOL_DEADLINE_HOURS,
  STANDALONE_DEADLINE_HOURS,
  type DemoGroupRef,
  type DemoHome,
  type DemoPool,
  type DemoStandaloneOrder,
} from './demo-orders';
import type { SeedOrms } from './seed';

/** Token subjects of the demo identities (what `npm run token` puts in `sub` by default). */
const LEADER_SUB = 'demo-leader';
const RESIDENT_SUB = 'demo-resident';
const MERCHANT_SUB = 'demo-merchant';
/** A leader raises the pool entry this long after a late sign-up. */
const RAISE_AFTER_MS = 5 * 60_000;
/** Most units of one product one household may take (the shops subgraph's MAX_UNITS_PER_LINE). */
const MAX_UNITS_PER_LINE = 999;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const fork = (orm: SeedOrms['shops']): EntityManager => orm.em.fork();
const homeKey = (compoundLocalId: number, [building, unit, room]: DemoHome) => [compoundLocalId, building, unit, room].join('\u0000');
const homeLabel = ([building, unit, room]: DemoHome) => [building, unit, room].filter((p) => p !== '').join('-');

interface HomeInfo {
  id: string;
  building: string;
  /** "12-3-402": building-unit-room without empty parts. */
  address: string;
}

interface GroupInfo {
  id: string;
  name: string;
  compoundId: string;
  compoundLocalId: number;
  leaderHouseholdId: string;
}

/** A community's groups and households, as its groups schema holds them. */
interface Directory {
  groups: GroupInfo[];
  homes: Map<string, HomeInfo>;
}

interface PlannedSignUp {
  household: HomeInfo;
  at: Date;
  lines: { product: Product; quantity: number }[];
}

interface PlannedOrder {
  group: GroupInfo;
  community: string;
  title: string;
  handOut: HandOut;
  minimumKind: MinimumKind;
  minimum: number;
  createdAt: Date;
  deadline: Date;
  products: Product[];
  signUps: PlannedSignUp[];
}

interface PlannedPool {
  shop: string;
  product: Product;
  minimumPacks: number;
  createdAt: Date;
  deadline: Date;
  orders: { order: PlannedOrder; joinedAt: Date; changes: EntryChange[] }[];
  progress: PoolProgress;
}

interface CommunityPlan {
  pools: PlannedPool[];
  standalone: (PlannedOrder & { shop: string })[];
}

export interface DemoOrdersData {
  pools: DemoPool[];
  standalone: DemoStandaloneOrder[];
}

/**
 * Seeds the demo pools and group orders into the communities' (connected, migrated, seeded) databases, keyed by
 * community code. Returns lines for the console in English and Chinese. Does nothing if a pool exists anywhere.
 */
export async function seedDemoOrders(
  ormsByCommunity: Map<string, SeedOrms>,
  now = new Date(),
  data: DemoOrdersData = { pools: DEMO_POOLS, standalone: DEMO_STANDALONE_ORDERS },
): Promise<string[]> {
  for (const orms of ormsByCommunity.values()) {
    if ((await fork(orms.shops).count(Pool, {})) > 0) {
      return ['demo group orders and pools: already present, seeding skipped 已有团购与拼单，跳过初始化'];
    }
  }

  const problems: string[] = [];
  const plans = await plan(ormsByCommunity, now, data, problems);
  if (problems.length > 0) throw new Error(`seed: the demo group orders cannot be seeded:\n  ${problems.join('\n  ')}`);

  const lines: string[] = [];
  for (const [code, communityPlan] of plans) {
    lines.push(...(await write(ormsByCommunity.get(code)!, code, communityPlan)));
  }
  return lines;
}

// ---------------------------------------------------------------------------------------------------------------
// Looking up and checking

async function readDirectory(orms: SeedOrms, code: string): Promise<Directory> {
  const em = fork(orms.groups);
  const groups = await em.find(Group, {}, { orderBy: { localId: 'asc' } });
  const households = await em.find(Household, {}, { orderBy: { localId: 'asc' } });
  const homes = new Map<string, HomeInfo>();
  for (const h of households) {
    homes.set(homeKey(h.compound.localId, [h.building, h.unit, h.room]), {
      id: formatGlobalId(code, 'Household', h.localId),
      building: h.building,
      address: h.addressLabel,
    });
  }
  return {
    groups: groups.map((g) => ({
      id: formatGlobalId(code, 'Group', g.localId),
      name: g.name,
      compoundId: formatGlobalId(code, 'Compound', g.compound.localId),
      compoundLocalId: g.compound.localId,
      leaderHouseholdId: formatGlobalId(code, 'Household', g.leader.localId),
    })),
    homes,
  };
}

async function plan(ormsByCommunity: Map<string, SeedOrms>, now: Date, data: DemoOrdersData, problems: string[]): Promise<Map<string, CommunityPlan>> {
  const ago = (minutes: number) => new Date(now.getTime() - minutes * MINUTE);
  const directories = new Map<string, Directory>();
  const directory = async (code: string) => {
    let d = directories.get(code);
    if (!d) directories.set(code, (d = await readDirectory(ormsByCommunity.get(code)!, code)));
    return d;
  };
  const plans = new Map<string, CommunityPlan>();
  const planOf = (code: string) => {
    let p = plans.get(code);
    if (!p) plans.set(code, (p = { pools: [], standalone: [] }));
    return p;
  };
  // Products read once per community and shared by the plans, so that stock taken by one order counts for the next.
  const productCache = new Map<string, Product | null>();

  const known = (code: string, who: string) => {
    if (ormsByCommunity.has(code)) return true;
    problems.push(`${who}: community ${code} is not running`);
    return false;
  };

  const findGroup = async (ref: DemoGroupRef, who: string): Promise<GroupInfo | undefined> => {
    if (!known(ref.community, who)) return undefined;
    const found = (await directory(ref.community)).groups.filter((g) => g.name === ref.name);
    if (found.length !== 1) problems.push(`${who}: ${found.length === 0 ? 'no' : 'more than one'} group "${ref.name}" in ${ref.community}`);
    return found.length === 1 ? found[0] : undefined;
  };

  const findHome = async (code: string, group: GroupInfo, home: DemoHome, who: string): Promise<HomeInfo | undefined> => {
    const found = (await directory(code)).homes.get(homeKey(group.compoundLocalId, home));
    if (!found) problems.push(`${who}: no household ${homeLabel(home)} in the compound of group "${group.name}"`);
    return found;
  };

  const findProduct = async (code: string, shopName: string, productName: string, who: string): Promise<Product | undefined> => {
    const key = [code, shopName, productName].join('\u0000');
    if (!productCache.has(key)) {
      const em = fork(ormsByCommunity.get(code)!.shops);
      const shops = await em.find(Shop, { name: shopName });
      const product = shops.length === 1 ? await em.findOne(Product, { shop: shops[0]!, name: productName }) : null;
      if (shops.length !== 1) problems.push(`${who}: ${shops.length === 0 ? 'no' : 'more than one'} shop "${shopName}" in ${code}`);
      else if (!product) problems.push(`${who}: shop "${shopName}" in ${code} sells no "${productName}"`);
      productCache.set(key, product);
    }
    return productCache.get(key) ?? undefined;
  };

  const checkQuantity = (quantity: number, product: Product, who: string) => {
    const max = Math.min(product.householdLimit ?? MAX_UNITS_PER_LINE, MAX_UNITS_PER_LINE);
    if (!Number.isInteger(quantity) || quantity < 1 || quantity > max) problems.push(`${who}: quantity ${quantity} is not a whole number from 1 to ${max}`);
  };

  for (const p of data.pools) {
    const who = `pool ${p.community} "${p.shop}" ${p.product}`;
    if (!known(p.community, who)) continue;
    const product = await findProduct(p.community, p.shop, p.product, who);
    if (!product) continue;
    if (product.packSize < 2) problems.push(`${who}: the product is sold one by one (packSize ${product.packSize}); a pool needs packs`);
    const createdAt = ago(p.openedMinutesAgo);
    const deadline = new Date(now.getTime() + POOL_DEADLINE_HOURS * HOUR);
    const planned: PlannedPool['orders'] = [];
    const groupsSeen = new Set<string>();
    for (const o of p.orders) {
      const whoOrder = `${who}, order "${o.title}"`;
      const group = await findGroup(o.group, whoOrder);
      if (!group) continue;
      if (groupsSeen.has(group.id)) problems.push(`${whoOrder}: group "${group.name}" has two orders in the pool`);
      groupsSeen.add(group.id);
      const joinedAt = ago(o.joinedMinutesAgo);
      const openedAt = ago(o.openedMinutesAgo);
      if (joinedAt < createdAt) problems.push(`${whoOrder}: joins before the pool opened`);
      if (joinedAt < openedAt) problems.push(`${whoOrder}: joins before it was opened`);
      if (!Number.isInteger(o.tolerance) || o.tolerance < 0 || o.tolerance > product.packSize - 1) {
        problems.push(`${whoOrder}: tolerance ${o.tolerance} is not from 0 to ${product.packSize - 1}`);
      }
      const signUps = await planSignUps(
        o.group.community,
        group,
        openedAt,
        o.signUps.map((s) => ({ home: s.home, minutesAgo: s.minutesAgo, lines: [{ product, quantity: s.quantity }] })),
        whoOrder,
      );
      // The entry: the units signed up when it joined, then a raise a little after each later sign-up.
      let quantity = 0;
      const changes: EntryChange[] = [];
      for (const s of signUps) {
        quantity += s.lines[0]!.quantity;
        if (s.at <= joinedAt) {
          if (changes.length === 0) changes.push({ at: joinedAt, quantity, tolerance: o.tolerance });
          else changes[0]!.quantity = quantity;
        } else {
          changes.push({ at: new Date(s.at.getTime() + RAISE_AFTER_MS), quantity, tolerance: o.tolerance });
        }
      }
      if (changes.length === 0 || changes[0]!.at.getTime() !== joinedAt.getTime()) problems.push(`${whoOrder}: nobody signed up before it joined the pool`);
      if (changes.some((c) => c.at > now)) problems.push(`${whoOrder}: a raise would be in the future`);
      planned.push({
        order: {
          group,
          community: o.group.community,
          title: o.title,
          handOut: HandOut[o.handOut],
          // The order's own minimum no longer counts once pooled; the leader's target was one full pack.
          minimumKind: MinimumKind.QUANTITY,
          minimum: product.packSize,
          createdAt: openedAt,
          deadline,
          products: [product],
          signUps,
        },
        joinedAt,
        changes,
      });
    }
    if (planned.length !== p.orders.length || product.packSize < 2) continue;
    const inputs = planned.map((e, i) => ({ id: String(i), label: e.order.title, changes: e.changes }));
    const packs = poolProgress({ packSize: product.packSize, minimumPacks: 1, maxUnits: product.available }, inputs).packsIfClosedNow;
    const minimumPacks = p.target === 'AT_MINIMUM' ? packs : packs + 1;
    if (minimumPacks < 1) {
      problems.push(`${who}: the orders make no whole pack, so the pool cannot be at its minimum`);
      continue;
    }
    const progress = poolProgress({ packSize: product.packSize, minimumPacks, maxUnits: product.available }, inputs);
    planOf(p.community).pools.push({ shop: p.shop, product, minimumPacks, createdAt, deadline, orders: planned, progress });
  }

  for (const o of data.standalone) {
    const who = `group order ${o.community} "${o.shop}" "${o.title}"`;
    if (!known(o.community, who)) continue;
    const group = await findGroup(o.group, who);
    const products: Product[] = [];
    for (const name of o.products) {
      const product = await findProduct(o.community, o.shop, name, who);
      if (product) products.push(product);
    }
    if (!group || products.length !== o.products.length) continue;
    if (!Number.isInteger(o.minimum) || o.minimum < 1) problems.push(`${who}: minimum ${o.minimum} is not a whole number of at least 1`);
    const openedAt = ago(o.openedMinutesAgo);
    const signUps = await planSignUps(
      o.group.community,
      group,
      openedAt,
      o.signUps.map((s) => ({
        home: s.home,
        minutesAgo: s.minutesAgo,
        lines: s.lines.map((l) => ({ product: products[o.products.indexOf(l.product)], name: l.product, quantity: l.quantity })),
      })),
      who,
    );
    // Reserve on the planned products now, so the check sees what the earlier sign-ups (and orders) took.
    for (const s of signUps) {
      for (const line of s.lines) {
        if (line.quantity > line.product.available) problems.push(`${who}: ${line.product.name} has only ${line.product.available} left for ${s.household.address}`);
        line.product.reserved += line.quantity;
      }
    }
    planOf(o.community).standalone.push({
      group,
      community: o.group.community,
      shop: o.shop,
      title: o.title,
      handOut: HandOut[o.handOut],
      minimumKind: MinimumKind[o.minimumKind],
      minimum: o.minimum,
      createdAt: openedAt,
      deadline: new Date(now.getTime() + STANDALONE_DEADLINE_HOURS * HOUR),
      products,
      signUps,
    });
  }
  return plans;

  async function planSignUps(
    code: string,
    group: GroupInfo,
    openedAt: Date,
    signUps: { home: DemoHome; minutesAgo: number; lines: { product: Product | undefined; name?: string; quantity: number }[] }[],
    who: string,
  ): Promise<PlannedSignUp[]> {
    const planned: PlannedSignUp[] = [];
    const seen = new Set<string>();
    for (const s of signUps) {
      const whoSignUp = `${who}, sign-up ${homeLabel(s.home)}`;
      const household = await findHome(code, group, s.home, whoSignUp);
      const at = ago(s.minutesAgo);
      if (at < openedAt || at > now) problems.push(`${whoSignUp}: signs up before the order was opened or in the future`);
      if (household && seen.has(household.id)) problems.push(`${whoSignUp}: signs up twice`);
      if (household) seen.add(household.id);
      const lines: PlannedSignUp['lines'] = [];
      const productsSeen = new Set<Product>();
      for (const line of s.lines) {
        if (!line.product) {
          problems.push(`${whoSignUp}: "${line.name}" is not offered in the order`);
          continue;
        }
        if (productsSeen.has(line.product)) problems.push(`${whoSignUp}: asks for ${line.product.name} twice`);
        productsSeen.add(line.product);
        checkQuantity(line.quantity, line.product, whoSignUp);
        lines.push({ product: line.product, quantity: line.quantity });
      }
      if (household && lines.length > 0) planned.push({ household, at, lines });
    }
    return planned.sort((a, b) => a.at.getTime() - b.at.getTime());
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Writing: one transaction per merchant community

async function write(orms: SeedOrms, code: string, communityPlan: CommunityPlan): Promise<string[]> {
  return fork(orms.shops).transactional(async (em) => {
    // Fresh, locked product rows (in ID order, as the shops subgraph locks them); the plan's copies were for checking.
    const ids = [...new Set([...communityPlan.pools.map((p) => p.product), ...communityPlan.standalone.flatMap((o) => o.products)].map((p) => p.localId))].sort(
      (a, b) => a - b,
    );
    const rows = await em.find(Product, { localId: { $in: ids } }, { lockMode: LockMode.PESSIMISTIC_WRITE, orderBy: { localId: 'asc' }, refresh: true });
    const products = new Map(rows.map((p) => [p.localId, p]));
    const fresh = (product: Product) => products.get(product.localId)!;

    const createOrder = (o: PlannedOrder, status: GroupOrderStatus) => {
      const shop = fresh(o.products[0]!).shop;
      const order = em.create(GroupOrder, {
        shop,
        groupId: o.group.id,
        compoundId: o.group.compoundId,
        leaderHouseholdId: o.group.leaderHouseholdId,
        title: o.title,
        deadline: o.deadline,
        minimumKind: o.minimumKind,
        minimum: o.minimum,
        handOut: o.handOut,
        status,
        openedBy: LEADER_SUB,
        createdAt: o.createdAt,
      });
      for (const product of o.products) em.create(GroupOrderItem, { order, product: fresh(product) });
      const lines: { line: SignUpLine; product: Product; household: HomeInfo; at: Date }[] = [];
      for (const s of o.signUps) {
        const signUp = em.create(SignUp, {
          order,
          householdId: s.household.id,
          building: s.household.building,
          address: s.household.address,
          signedUpBy: RESIDENT_SUB,
          createdAt: s.at,
          updatedAt: s.at,
        });
        for (const l of s.lines) {
          const line = em.create(SignUpLine, { signUp, product: fresh(l.product), quantity: l.quantity, reserved: 0 });
          lines.push({ line, product: fresh(l.product), household: s.household, at: s.at });
        }
      }
      return { order, lines };
    };

    const created: { pool: Pool; plan: PlannedPool }[] = [];
    for (const p of communityPlan.pools) {
      const product = fresh(p.product);
      const pool = em.create(Pool, {
        shop: product.shop,
        product,
        packSize: product.packSize,
        minimumPacks: p.minimumPacks,
        deadline: p.deadline,
        openedBy: MERCHANT_SUB,
        createdAt: p.createdAt,
      });
      for (const e of p.orders) {
        const { order } = createOrder(e.order, GroupOrderStatus.POOLED);
        const last = e.changes[e.changes.length - 1]!;
        const entry = em.create(PoolEntry, { pool, order, quantity: last.quantity, tolerance: last.tolerance, joinedAt: e.joinedAt });
        for (const c of e.changes) em.create(PoolEntryChange, { entry, at: c.at, quantity: c.quantity, tolerance: c.tolerance });
      }
      created.push({ pool, plan: p });
    }

    const standalone: { order: GroupOrder; plan: CommunityPlan['standalone'][number]; lines: ReturnType<typeof createOrder>['lines'] }[] = [];
    for (const o of communityPlan.standalone) {
      const { order, lines } = createOrder(o, GroupOrderStatus.OPEN);
      standalone.push({ order, plan: o, lines });
    }
    await em.flush(); // the orders' IDs, for the audit trail's reasons

    for (const { order, lines } of standalone) {
      // Each sign-up reserved its units when it was made, first come first served.
      for (const { line, product, household, at } of lines.sort((a, b) => a.at.getTime() - b.at.getTime())) {
        if (line.quantity > product.available) {
          throw new Error(`seed: ${product.name} in ${code} has only ${product.available} left for ${household.address}; nothing was seeded in ${code}`);
        }
        const before = stockLevels(product);
        product.reserved += line.quantity;
        product.stockVersion += 1;
        if (at > product.stockUpdatedAt) product.stockUpdatedAt = at;
        line.reserved = line.quantity;
        const change = recordStockChange(em, product, {
          kind: StockChangeKind.RESERVE,
          actor: RESIDENT_SUB,
          before,
          after: stockLevels(product),
          reason: `sign-up ${household.id} in ${formatGlobalId(code, 'GroupOrder', order.localId)}`,
        });
        change.at = at;
      }
    }
    await em.flush();

    const lines: string[] = [];
    for (const { pool, plan: p } of created) {
      const g = p.progress;
      const communities = [...new Set(p.orders.map((e) => e.order.community))].join(', ');
      const remainder = g.totalQuantity % pool.packSize;
      const standing =
        g.missingPacksToMinimum === 0
          ? 'at its minimum 已达成团线'
          : `${g.missingPacksToMinimum} pack${g.missingPacksToMinimum === 1 ? '' : 's'} short 还差 ${g.missingPacksToMinimum} 箱 (${g.unitsToNextPack} units to the next pack 下一箱还差 ${g.unitsToNextPack} 件)`;
      lines.push(
        `${formatGlobalId(code, 'Pool', pool.localId)} pool 拼单 ${p.shop} ${pool.product.name}: ${p.orders.length} group orders 团 from ${communities}, ` +
          `${g.totalQuantity} units 件 = ${g.fullPacks} × ${pool.packSize}${remainder > 0 ? ` + ${remainder}` : ''}; minimum 最低 ${pool.minimumPacks} packs 箱, ${standing}`,
      );
    }
    for (const { order, plan: o, lines: orderLines } of standalone) {
      const reserved = o.products.map((p) => `${p.name} ${orderLines.filter((l) => l.product.localId === p.localId).reduce((n, l) => n + l.line.reserved, 0)}`);
      lines.push(
        `${formatGlobalId(code, 'GroupOrder', order.localId)} group order 团购 ${o.shop} "${o.title}": ${o.signUps.length} households 户 signed up ` +
          `(minimum 最低 ${o.minimum} ${o.minimumKind === MinimumKind.HOUSEHOLDS ? 'households 户' : 'units 件'}), reserved 已预留 ${reserved.join(', ')}`,
      );
    }
    return lines;
  });
}
