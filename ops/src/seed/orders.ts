/**
 * Seeds demo group orders 团购 and pools 拼单 across the demo communities (data in demo-orders.ts), once every
 * community has been seeded by `seedCommunity`.
 *
 * Groups and households are read from each community's own `groups` schema. Then the morning is replayed, event by
 * event in time order, through the shops services of the merchant's community, as the people in it would have used
 * the API: merchants open pools (or accept the ones leaders proposed), leaders open orders and join pools, households
 * sign up. So every rule is the services' own: sign-ups reserve stock, a pooled order's entry follows its sign-ups,
 * audit entries name global IDs. Each event passes the time it happened.
 *
 * Every name and time is checked before anything is written; each merchant community is then written in one
 * transaction, so a refusal (named in the error) leaves that community without demo orders. Idempotent: if any
 * community's shops schema already holds a pool, nothing is done.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { claimsFor, NO_PLACES, type Claims, type Identity } from '@lilong/kit';
import { Group, Household, rolesFor } from '@lilong/groups';
import { formatGlobalId, parseGlobalId } from '@lilong/schema';
import {
  acceptPool, HandOut, joinPool, MinimumKind, openGroupOrder, openPool, Pool, poolProgress, poolProgressOf, Product, Shop, shopsSubgraph, signUp, SignUpLine,
  type PoolProgress, type ShopsContext,
} from '@lilong/shops';
import { DEMO_ISSUER, demoSubject } from '../demo-people';
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

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const fork = (orm: SeedOrms['shops']): EntityManager => orm.em.fork();
const localIdIn = (globalId: string): number => Number(parseGlobalId(globalId).localId);
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

/**
 * Who did it: the seeded person (`npm run token -- --as ...` mints their token). What they may do is resolved from
 * the communities' records at replay, as the nodes would.
 */
const person = (subject: string): Identity => ({ issuer: DEMO_ISSUER, subject });
const leader = (g: GroupInfo): Identity => person(demoSubject('leader-of', g.id));
const resident = (_g: GroupInfo, h: HomeInfo): Identity => person(demoSubject('resident-of', h.id));
const merchant = (shopId: string): Identity => person(demoSubject('merchant-of', shopId));

/** IDs the replay hands from one event to the next: the orders and pools it opened. */
type Made = Map<object, string>;

/** One thing a person did, at a time, through a shops service. */
interface Event {
  at: Date;
  who: Identity;
  /** Says what it was when a service refuses it. */
  what: string;
  run(ctx: ShopsContext, at: Date, made: Made): Promise<void>;
}

interface PlannedPool {
  key: object;
  data: DemoPool;
  product: Product;
  minimumPacks: number;
  communities: string[];
}

interface CommunityPlan {
  events: Event[];
  pools: PlannedPool[];
  standalone: { key: object; data: DemoStandaloneOrder; households: number }[];
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
  /** The identity provider the seeded people are recorded under: seedCommunity's `issuer`. */
  issuer = DEMO_ISSUER,
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
  // Each person's roles in every community, from each community's records, as the hub and the nodes would put them
  // together; read before any replay transaction opens (a transaction of one domain's ORM would capture the reads).
  // The plan names people by their demo subjects; they are recorded under `issuer`.
  const claimsBySubject = new Map<string, Claims>();
  for (const event of [...plans.values()].flatMap((p) => p.events)) {
    if (claimsBySubject.has(event.who.subject)) continue;
    const who: Identity = { issuer, subject: event.who.subject };
    const roles = await Promise.all([...ormsByCommunity].map(([code, orms]) => rolesFor(orms.groups.em.fork() as EntityManager, code, who, now)));
    claimsBySubject.set(who.subject, claimsFor(who, roles.flat()));
  }
  const claimsOf = (who: Identity): Claims => claimsBySubject.get(who.subject)!;
  for (const [code, communityPlan] of plans) lines.push(...(await replay(ormsByCommunity.get(code)!, code, communityPlan, claimsOf)));
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
    if (!p) plans.set(code, (p = { events: [], pools: [], standalone: [] }));
    return p;
  };

  const known = (code: string, who: string) => {
    if (ormsByCommunity.has(code)) return true;
    problems.push(`${who}: community ${code} is not running`);
    return false;
  };
  const inThePast = (at: Date, who: string) => {
    if (at > now) problems.push(`${who}: happens in the future`);
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
    const em = fork(ormsByCommunity.get(code)!.shops);
    const shops = await em.find(Shop, { name: shopName });
    if (shops.length !== 1) {
      problems.push(`${who}: ${shops.length === 0 ? 'no' : 'more than one'} shop "${shopName}" in ${code}`);
      return undefined;
    }
    const product = await em.findOne(Product, { shop: shops[0]!, name: productName });
    if (!product) problems.push(`${who}: shop "${shopName}" in ${code} sells no "${productName}"`);
    return product ?? undefined;
  };

  /** An order's opening and its sign-ups, as events; the sign-ups are checked to come after the opening. */
  const orderEvents = async (
    code: string,
    key: object,
    groupCommunity: string,
    group: GroupInfo,
    open: { at: Date; shopId: string; title: string; deadline: Date; minimumKind: MinimumKind; minimum: number; handOut: HandOut; productIds: string[] },
    signUps: { home: DemoHome; minutesAgo: number; lines: { productId: string; quantity: number }[] }[],
    who: string,
  ): Promise<Event[]> => {
    const events: Event[] = [
      {
        at: open.at,
        who: leader(group),
        what: `${who}: opening it`,
        run: async (ctx, at, made) => {
          const { at: _, shopId, ...rest } = open;
          const order = await openGroupOrder(ctx, { shopId, groupId: group.id, ...rest }, at);
          made.set(key, formatGlobalId(code, 'GroupOrder', order.localId));
        },
      },
    ];
    const seen = new Set<string>();
    for (const s of signUps) {
      const whoSignUp = `${who}, sign-up ${homeLabel(s.home)}`;
      const home = await findHome(groupCommunity, group, s.home, whoSignUp);
      const at = ago(s.minutesAgo);
      if (at < open.at) problems.push(`${whoSignUp}: signs up before the order was opened`);
      inThePast(at, whoSignUp);
      if (!home) continue;
      if (seen.has(home.id)) problems.push(`${whoSignUp}: signs up twice`);
      seen.add(home.id);
      events.push({
        at,
        who: resident(group, home),
        what: whoSignUp,
        run: async (ctx, when, made) => {
          await signUp(ctx, { orderId: made.get(key)!, householdId: home.id, lines: s.lines }, when);
        },
      });
    }
    return events;
  };

  for (const p of data.pools) {
    const who = `pool ${p.community} "${p.shop}" ${p.product}`;
    if (!known(p.community, who)) continue;
    const product = await findProduct(p.community, p.shop, p.product, who);
    if (!product) continue;
    if (product.packSize < 2) problems.push(`${who}: the product is sold one by one (packSize ${product.packSize}); a pool needs packs`);
    const shopId = formatGlobalId(p.community, 'Shop', product.shop.localId);
    const productId = formatGlobalId(p.community, 'Product', product.localId);
    const poolKey = {};
    const openedAt = ago(p.openedMinutesAgo);
    const deadline = new Date(now.getTime() + POOL_DEADLINE_HOURS * HOUR);
    inThePast(openedAt, who);
    const events: Event[] = [];
    const proposer = p.proposed ? await findGroup(p.proposed.by, `${who}, proposed by`) : undefined;
    // The minimum is set from the orders' packs (a pure sum: the rules are allocation.ts's); it is checked after the replay.
    const minimumPacks = (target: number) => (p.target === 'AT_MINIMUM' ? target : target + 1);
    const totals = p.orders.map((o) => ({
      id: o.title,
      label: o.title,
      changes: [{ at: now, quantity: o.signUps.reduce((n, s) => n + s.quantity, 0), tolerance: o.tolerance }],
    }));
    const packs = poolProgress({ packSize: product.packSize, minimumPacks: 1, maxUnits: product.available }, totals).packsIfClosedNow;
    if (packs < 1) problems.push(`${who}: the orders make no whole pack, so the pool cannot be at its minimum`);
    events.push({
      at: openedAt,
      who: proposer ? leader(proposer) : merchant(shopId),
      what: `${who}: opening it`,
      run: async (ctx, at, made) => {
        const pool = await openPool(ctx, { productId, minimumPacks: minimumPacks(packs), deadline }, at);
        made.set(poolKey, formatGlobalId(p.community, 'Pool', pool.localId));
      },
    });
    if (p.proposed) {
      const acceptedAt = ago(p.proposed.acceptedMinutesAgo);
      if (acceptedAt < openedAt) problems.push(`${who}: accepted before it was proposed`);
      events.push({
        at: acceptedAt,
        who: merchant(shopId),
        what: `${who}: accepting it`,
        run: async (ctx, at, made) => void (await acceptPool(ctx, { poolId: made.get(poolKey)! }, at)),
      });
    }
    const groupsSeen = new Set<string>();
    for (const o of p.orders) {
      const whoOrder = `${who}, order "${o.title}"`;
      const group = await findGroup(o.group, whoOrder);
      if (!group) continue;
      if (groupsSeen.has(group.id)) problems.push(`${whoOrder}: group "${group.name}" has two orders in the pool`);
      groupsSeen.add(group.id);
      const orderKey = {};
      const joinedAt = ago(o.joinedMinutesAgo);
      const opened = ago(o.openedMinutesAgo);
      if (joinedAt < openedAt) problems.push(`${whoOrder}: joins before the pool opened`);
      if (joinedAt < opened) problems.push(`${whoOrder}: joins before it was opened`);
      inThePast(joinedAt, whoOrder);
      events.push(
        ...(await orderEvents(
          p.community,
          orderKey,
          o.group.community,
          group,
          {
            at: opened,
            shopId,
            title: o.title,
            deadline,
            minimumKind: MinimumKind[o.minimumKind],
            minimum: o.minimum,
            handOut: HandOut[o.handOut],
            productIds: [productId],
          },
          o.signUps.map((s) => ({ home: s.home, minutesAgo: s.minutesAgo, lines: [{ productId, quantity: s.quantity }] })),
          whoOrder,
        )),
        {
          at: joinedAt,
          who: leader(group),
          what: `${whoOrder}: joining the pool`,
          run: async (ctx, at, made) => void (await joinPool(ctx, { poolId: made.get(poolKey)!, orderId: made.get(orderKey)!, tolerance: o.tolerance }, at)),
        },
      );
    }
    const communityPlan = planOf(p.community);
    communityPlan.events.push(...events);
    communityPlan.pools.push({ key: poolKey, data: p, product, minimumPacks: minimumPacks(packs), communities: [...new Set(p.orders.map((o) => o.group.community))] });
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
    const productIds = products.map((p) => formatGlobalId(o.community, 'Product', p.localId));
    const idOf = (name: string) => {
      const i = o.products.indexOf(name);
      if (i < 0) problems.push(`${who}: "${name}" is not offered in the order`);
      return productIds[i] ?? '';
    };
    const key = {};
    const opened = ago(o.openedMinutesAgo);
    inThePast(opened, who);
    planOf(o.community).events.push(
      ...(await orderEvents(
        o.community,
        key,
        o.group.community,
        group,
        {
          at: opened,
          shopId: formatGlobalId(o.community, 'Shop', products[0]!.shop.localId),
          title: o.title,
          deadline: new Date(now.getTime() + STANDALONE_DEADLINE_HOURS * HOUR),
          minimumKind: MinimumKind[o.minimumKind],
          minimum: o.minimum,
          handOut: HandOut[o.handOut],
          productIds,
        },
        o.signUps.map((s) => ({ home: s.home, minutesAgo: s.minutesAgo, lines: s.lines.map((l) => ({ productId: idOf(l.product), quantity: l.quantity })) })),
        who,
      )),
    );
    planOf(o.community).standalone.push({ key, data: o, households: o.signUps.length });
  }
  return plans;
}

// ---------------------------------------------------------------------------------------------------------------
// Replaying: one transaction per merchant community, one service call per event, in time order

async function replay(orms: SeedOrms, code: string, communityPlan: CommunityPlan, claimsOf: (who: Identity) => Claims): Promise<string[]> {
  const events = [...communityPlan.events].sort((a, b) => a.at.getTime() - b.at.getTime());
  return fork(orms.shops).transactional(async (tem) => {
    const em = tem as EntityManager;
    // Each event is a request of its own (fresh identity map and loaders) inside this one transaction.
    const contextFor = (claims: Claims): ShopsContext => {
      const requestEm = em.fork({ keepTransactionContext: true }) as EntityManager;
      return { community: code, em: requestEm, loaders: shopsSubgraph.createLoaders(requestEm, code), claims, signal: new AbortController().signal, places: NO_PLACES };
    };
    const made: Made = new Map();
    for (const event of events) {
      try {
        await event.run(contextFor(claimsOf(event.who)), event.at, made);
      } catch (error) {
        const extensions = (error as { extensions?: { messageZh?: string } }).extensions;
        throw new Error(`seed: ${event.what} was refused: ${(error as Error).message}${extensions?.messageZh ? ` ${extensions.messageZh}` : ''}; nothing was seeded in ${code}`);
      }
    }

    const lines: string[] = [];
    const ctx = contextFor(claimsFor({ issuer: DEMO_ISSUER, subject: 'lilong-seed' }, []));
    for (const p of communityPlan.pools) {
      const poolId = made.get(p.key)!;
      const pool = (await ctx.em.findOne(Pool, { localId: localIdIn(poolId) }))!;
      const g: PoolProgress = await poolProgressOf(ctx, pool);
      const wanted = p.data.target === 'AT_MINIMUM' ? 0 : 1;
      if (g.missingPacksToMinimum !== wanted || g.unitsBelowOwnMinimum > 0) {
        throw new Error(`seed: ${poolId} ended ${g.missingPacksToMinimum} packs short of its minimum, not ${wanted} (${g.unitsBelowOwnMinimum} units below their orders' own minimum); nothing was seeded in ${code}`);
      }
      const remainder = g.totalQuantity % pool.packSize;
      const standing =
        g.missingPacksToMinimum === 0
          ? 'at its minimum 已达成团线'
          : `${g.missingPacksToMinimum} pack${g.missingPacksToMinimum === 1 ? '' : 's'} short 还差 ${g.missingPacksToMinimum} 箱 (${g.unitsToNextPack} units to the next pack 下一箱还差 ${g.unitsToNextPack} 件)`;
      const opener = p.data.proposed ? `proposed by a leader, accepted by the merchant 团长发起、商户已接受` : 'opened by the merchant 商户发起';
      lines.push(
        `${poolId} pool 拼单 ${p.data.shop} ${p.product.name} (${opener}): ${p.data.orders.length} group orders 团 from ${p.communities.join(', ')}, ` +
          `${g.totalQuantity} units 件 = ${g.fullPacks} × ${pool.packSize}${remainder > 0 ? ` + ${remainder}` : ''}; minimum 最低 ${pool.minimumPacks} packs 箱, ${standing}`,
      );
    }
    for (const o of communityPlan.standalone) {
      const orderId = made.get(o.key)!;
      const signedUp = await ctx.em.find(SignUpLine, { signUp: { order: { localId: localIdIn(orderId) } } }, { populate: ['product'] });
      const reserved = o.data.products.map((name) => `${name} ${signedUp.filter((l) => l.product.name === name).reduce((n, l) => n + l.reserved, 0)}`);
      lines.push(
        `${orderId} group order 团购 ${o.data.shop} "${o.data.title}": ${o.households} households 户 signed up ` +
          `(minimum 最低 ${o.data.minimum} ${o.data.minimumKind === 'HOUSEHOLDS' ? 'households 户' : 'units 件'}), reserved 已预留 ${reserved.join(', ')}`,
      );
    }
    return lines;
  });
}
