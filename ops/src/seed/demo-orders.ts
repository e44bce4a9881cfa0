/**
 * Demo group orders 团购 and pools 拼单 for `npm start`, over the communities of `DEMO_COMMUNITIES`: two pools at two
 * merchants in two communities, each gathering group orders from compounds of other communities and one of the
 * merchant's own, one already at its minimum and one a pack short (one opened by its merchant, one proposed by a
 * leader and accepted by the merchant); and one stand-alone group order that holds stock.
 *
 * Everything is named as in `demo-data.ts`: communities by code, groups by name, shops and products by name,
 * households by `[building, unit, room]` inside the group's compound. Times are minutes before the moment of seeding,
 * so the first-come queue of each pool reads naturally ("joined 3 h ago", "signed up 50 min ago"). `seedDemoOrders`
 * (orders.ts) checks that every name exists and every time is in order, then replays the morning through the shops
 * services, so the rows are exactly what the API would have written.
 */

/** A household inside the group's compound: `[building, unit, room]`, unit '' where none. */
export type DemoHome = [building: string, unit: string, room: string];

export interface DemoGroupRef {
  community: string;
  /** The group's name, as in `DemoCommunity.groups`. */
  name: string;
}

export interface DemoPooledSignUp {
  home: DemoHome;
  /** Units of the pooled product. */
  quantity: number;
  minutesAgo: number;
}

/** A single-product group order that joined a pool: it holds no stock, the pool reserves whole packs at its close. */
export interface DemoPooledOrder {
  group: DemoGroupRef;
  title: string;
  handOut: 'PICKUP_AT_SHOP' | 'DELIVERY_TO_GATE';
  /** The leader's own condition 成团条件: an order below it at the pool's close takes no part. */
  minimumKind: 'HOUSEHOLDS' | 'QUANTITY';
  minimum: number;
  openedMinutesAgo: number;
  /** When the leader put the order into the pool: it joins with the units signed up until then. */
  joinedMinutesAgo: number;
  /** Extra units the leader accepts to complete a pack: 0 to packSize - 1. */
  tolerance: number;
  /**
   * Sign-ups in list order. One made after `joinedMinutesAgo` changes the pool entry at its own time: those units
   * queue behind every unit asked for before it.
   */
  signUps: DemoPooledSignUp[];
}

export interface DemoPool {
  /** The merchant's community. */
  community: string;
  shop: string;
  /** A product sold in packs (packSize > 1). */
  product: string;
  /**
   * Where the pool stands: its minimum is set from the orders' packs, to exactly those packs (`AT_MINIMUM`: it would
   * form if it closed now) or one more (`ONE_PACK_SHORT`).
   */
  target: 'AT_MINIMUM' | 'ONE_PACK_SHORT';
  openedMinutesAgo: number;
  /** Opened by the shop's merchant unless given: a group leader proposed it, and the merchant accepted it later. */
  proposed?: { by: DemoGroupRef; acceptedMinutesAgo: number };
  orders: DemoPooledOrder[];
}

export interface DemoStandaloneSignUp {
  home: DemoHome;
  lines: { product: string; quantity: number }[];
  minutesAgo: number;
}

/** A group order on its own: each sign-up reserves its units at once, first come first served. */
export interface DemoStandaloneOrder {
  /** The merchant's community. */
  community: string;
  shop: string;
  products: string[];
  group: DemoGroupRef;
  title: string;
  minimumKind: 'HOUSEHOLDS' | 'QUANTITY';
  minimum: number;
  handOut: 'PICKUP_AT_SHOP' | 'DELIVERY_TO_GATE';
  openedMinutesAgo: number;
  signUps: DemoStandaloneSignUp[];
}

/** Pools close this long after seeding; stand-alone orders after `STANDALONE_DEADLINE_HOURS`. */
export const POOL_DEADLINE_HOURS = 48;
export const STANDALONE_DEADLINE_HOURS = 24;

export const DEMO_POOLS: DemoPool[] = [
  {
    // Bottled water by the case of 24 at a fahua supermarket: compounds of three communities, 3 cases, at the minimum.
    community: 'fahua',
    shop: '法华生活超市',
    product: '矿泉水 550ml',
    target: 'AT_MINIMUM',
    openedMinutesAgo: 300,
    orders: [
      {
        group: { community: 'fahua', name: '法华里团购群' },
        title: '法华里 矿泉水拼箱',
        handOut: 'PICKUP_AT_SHOP',
        minimumKind: 'HOUSEHOLDS',
        minimum: 2,
        openedMinutesAgo: 290,
        joinedMinutesAgo: 220,
        tolerance: 4,
        signUps: [
          { home: ['12', '', '101'], quantity: 12, minutesAgo: 285 },
          { home: ['5', '', '前楼'], quantity: 6, minutesAgo: 270 },
          { home: ['8', '', '客堂间'], quantity: 6, minutesAgo: 250 },
          { home: ['16', '', '三层阁'], quantity: 4, minutesAgo: 230 },
        ],
      },
      {
        group: { community: 'xinhua-1', name: '新华苑团购群' },
        title: '新华苑 矿泉水拼单',
        handOut: 'DELIVERY_TO_GATE',
        minimumKind: 'HOUSEHOLDS',
        minimum: 2,
        openedMinutesAgo: 260,
        joinedMinutesAgo: 190,
        tolerance: 6,
        signUps: [
          { home: ['2', '1', '1502'], quantity: 12, minutesAgo: 255 },
          { home: ['1', '1', '302'], quantity: 6, minutesAgo: 240 },
          { home: ['3', '1', '401'], quantity: 8, minutesAgo: 200 },
        ],
      },
      {
        group: { community: 'xinhua-2', name: '安顺里邻里群' },
        title: '安顺里 矿泉水',
        handOut: 'DELIVERY_TO_GATE',
        minimumKind: 'HOUSEHOLDS',
        minimum: 2,
        openedMinutesAgo: 180,
        joinedMinutesAgo: 110,
        tolerance: 0,
        signUps: [
          { home: ['6', '', '客堂间'], quantity: 12, minutesAgo: 175 },
          { home: ['2', '', '亭子间'], quantity: 6, minutesAgo: 160 },
          { home: ['9', '', '后厢房'], quantity: 4, minutesAgo: 120 },
        ],
      },
    ],
  },
  {
    // Milk by the case of 12 at a xinhua-2 café: compounds of three communities, 2 cases and 6 boxes, one case short.
    community: 'xinhua-2',
    shop: '拐角咖啡',
    product: '纯牛奶 1L',
    target: 'ONE_PACK_SHORT',
    openedMinutesAgo: 240,
    // Proposed by the 329 弄 leader to a café in another community; the café accepted it ten minutes later.
    proposed: { by: { community: 'xinhua-1', name: '329 弄互助群' }, acceptedMinutesAgo: 230 },
    orders: [
      {
        group: { community: 'xinhua-1', name: '329 弄互助群' },
        title: '329 弄 纯牛奶拼箱',
        handOut: 'DELIVERY_TO_GATE',
        minimumKind: 'HOUSEHOLDS',
        minimum: 2,
        openedMinutesAgo: 235,
        joinedMinutesAgo: 205,
        tolerance: 2,
        signUps: [
          { home: ['7', '', '201'], quantity: 4, minutesAgo: 230 },
          { home: ['3', '', '前楼'], quantity: 3, minutesAgo: 215 },
          // Signed up after the order joined: the pool entry follows, and these units queue last.
          { home: ['11', '', '后楼'], quantity: 2, minutesAgo: 50 },
        ],
      },
      {
        group: { community: 'panyu', name: '云海苑团购群' },
        title: '云海苑 牛奶团',
        handOut: 'DELIVERY_TO_GATE',
        minimumKind: 'HOUSEHOLDS',
        minimum: 2,
        openedMinutesAgo: 200,
        joinedMinutesAgo: 130,
        tolerance: 0,
        signUps: [
          { home: ['1', '2', '502'], quantity: 6, minutesAgo: 195 },
          { home: ['2', '1', '301'], quantity: 3, minutesAgo: 185 },
          { home: ['3', '2', '1603'], quantity: 2, minutesAgo: 150 },
          { home: ['1', '1', '1001'], quantity: 2, minutesAgo: 140 },
        ],
      },
      {
        group: { community: 'xinhua-2', name: '寓见公寓租客互助群' },
        title: '寓见公寓 牛奶拼单',
        handOut: 'PICKUP_AT_SHOP',
        minimumKind: 'HOUSEHOLDS',
        minimum: 2,
        openedMinutesAgo: 150,
        joinedMinutesAgo: 90,
        tolerance: 2,
        signUps: [
          { home: ['A', '', '0308'], quantity: 2, minutesAgo: 145 },
          { home: ['B', '', '0206'], quantity: 4, minutesAgo: 100 },
          { home: ['A', '', '0415'], quantity: 2, minutesAgo: 95 },
        ],
      },
    ],
  },
];

export const DEMO_STANDALONE_ORDERS: DemoStandaloneOrder[] = [
  {
    // A vegetable buy at a panyu noodle shop turned vegetable point: 4 of the 5 households it needs.
    community: 'panyu',
    shop: '阿婆面馆（蔬菜团购点）',
    products: ['蔬菜包（6样）', '冬瓜'],
    group: { community: 'panyu', name: '番禺新村互助群' },
    title: '番禺新村 蔬菜包团购',
    minimumKind: 'HOUSEHOLDS',
    minimum: 5,
    handOut: 'DELIVERY_TO_GATE',
    openedMinutesAgo: 180,
    signUps: [
      { home: ['3', '', '402'], lines: [{ product: '蔬菜包（6样）', quantity: 1 }, { product: '冬瓜', quantity: 3 }], minutesAgo: 170 },
      { home: ['8', '', '306'], lines: [{ product: '蔬菜包（6样）', quantity: 2 }], minutesAgo: 130 },
      { home: ['11', '', '104'], lines: [{ product: '蔬菜包（6样）', quantity: 1 }, { product: '冬瓜', quantity: 2 }], minutesAgo: 75 },
      { home: ['11', '', '601'], lines: [{ product: '蔬菜包（6样）', quantity: 1 }], minutesAgo: 20 },
    ],
  },
];
