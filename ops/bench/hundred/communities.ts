/**
 * The simulated sub-district of `npm run bench -- hundred`: up to 100 generated residents' committees, `sim-001` to
 * `sim-100`, laid out row by row on a grid GRID_COLUMNS wide, about 600 m apart, so that "neighbours" mean something:
 * each community's neighbours are the ones left, right, above and below it on the grid (2 to 4; symmetric). Every
 * community is built by the same deterministic function of its number (no randomness, no copies of the demo's
 * four): three compounds around its office, two shops with the staples the bench searches for in stock, two
 * mutual-aid groups and three volunteers, one of whom can pick up medicine now (what the neighbour-only fan-out asks
 * for). Nothing here describes real places or people.
 */
import { CompoundKind, Tenure } from '@lilong/groups';
import { ShopKind } from '@lilong/shops';
import { Skill } from '@lilong/volunteers';
import { demoCommunityProblems, demoSubDistrictProblems, type DemoCommunity, type DemoCompound, type DemoProduct, type DemoShop, type DemoVolunteer } from '../../src/seed';

/** Most communities the simulation generates. */
export const MAX_SIMULATED = 100;
/** Communities per row of the grid: the first 10 are one row, the first 30 three rows. */
export const GRID_COLUMNS = 10;
/**
 * Bumped whenever the generated data change: a PostgreSQL data folder kept (`--keep`) by a run with another version
 * is seeded afresh rather than reused.
 */
export const GENERATOR_VERSION = 1;

/** The grid's south-west corner (a made-up origin near Shanghai's Changning district) and its spacing, in degrees. */
const ORIGIN = { lat: 31.19, lng: 121.4 };
/** About 600 m north-south and east-west at this latitude. */
const STEP = { lat: 0.0054, lng: 0.0063 };

/** Search terms every simulated community has in stock (so a search is never an "unmet search" write at a node). */
export const STAPLE_TERMS = ['大米', '鸡蛋', '牛奶', '食用油'] as const;

/** `sim-001` for index 0. */
export function simulatedCode(index: number): string {
  if (!Number.isInteger(index) || index < 0 || index >= MAX_SIMULATED) throw new RangeError(`simulated community index ${index} is not 0-${MAX_SIMULATED - 1}`);
  return `sim-${String(index + 1).padStart(3, '0')}`;
}

/** Grid neighbours (left, right, below, above) of the index-th community among the first `count`, by code, sorted. */
export function gridNeighbours(index: number, count: number): string[] {
  const row = Math.floor(index / GRID_COLUMNS);
  const col = index % GRID_COLUMNS;
  const candidates = [
    col > 0 ? index - 1 : -1,
    col < GRID_COLUMNS - 1 ? index + 1 : -1,
    row > 0 ? index - GRID_COLUMNS : -1,
    index + GRID_COLUMNS,
  ];
  return candidates.filter((n) => n >= 0 && n < count).map(simulatedCode).sort();
}

/** A small deterministic sequence per community (a linear congruential step): the same data on every run. */
function sequence(seed: number): () => number {
  let state = (seed * 2654435761) >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const KINDS = Object.values(CompoundKind);
const TENURES = [Tenure.OWNER, Tenure.TENANT, Tenure.OWNER, Tenure.OTHER];
const SECOND_SHOP_KINDS = [ShopKind.SUPERMARKET, ShopKind.PHARMACY, ShopKind.FRUIT, ShopKind.BAKERY];

/** Staples (one matching each STAPLE_TERMS entry) and extras, with their base prices in fen. */
const STAPLES: [name: string, unit: string, priceFen: number, packSize: number][] = [
  ['东北大米 5kg', '袋', 4500, 1],
  ['鸡蛋 30枚', '盒', 3200, 1],
  ['纯牛奶 1L', '盒', 1600, 12],
  ['食用油 5L', '桶', 7990, 1],
];
const EXTRAS: [name: string, unit: string, priceFen: number, packSize: number][] = [
  ['挂面 1kg', '袋', 980, 1],
  ['生抽 500ml', '瓶', 1250, 1],
  ['医用外科口罩 50只', '盒', 2500, 1],
  ['苹果', '斤', 800, 1],
  ['青菜', '斤', 450, 1],
  ['五常大米 5kg', '袋', 6800, 1],
];

/** Metres north and east to degrees at the grid's latitude. */
function offset(lat: number, lng: number, north: number, east: number): { lat: number; lng: number } {
  const round = (d: number) => Math.round(d * 1e6) / 1e6;
  return { lat: round(lat + north / 111_320), lng: round(lng + east / (111_320 * Math.cos((lat * Math.PI) / 180))) };
}

/**
 * The index-th simulated community (0-based) of a sub-district of `count`: its neighbours are its grid neighbours
 * among those `count`.
 */
export function simulatedCommunity(index: number, count = MAX_SIMULATED): DemoCommunity {
  const code = simulatedCode(index);
  const n = String(index + 1).padStart(3, '0');
  const next = sequence(index + 1);
  const centre = { lat: Math.round((ORIGIN.lat + Math.floor(index / GRID_COLUMNS) * STEP.lat) * 1e6) / 1e6, lng: Math.round((ORIGIN.lng + (index % GRID_COLUMNS) * STEP.lng) * 1e6) / 1e6 };

  const compounds: DemoCompound[] = [0, 1, 2].map((k) => {
    const at = offset(centre.lat, centre.lng, [120, -80, -60][k]!, [-90, -110, 140][k]!);
    const households = Array.from({ length: 4 + ((index + k) % 3) }, (_, h) => ({
      building: String(1 + Math.floor(h / 2)),
      unit: k === 0 ? '' : '1',
      room: String(101 + (h % 2) + 100 * Math.floor(h / 2)),
      tenure: TENURES[(index + h) % TENURES.length]!,
    }));
    return {
      key: `c${k + 1}`,
      name: `模拟${n}社区第${k + 1}小区`,
      // Every kind of compound appears across the sub-district (k cycles through them as the index grows).
      kind: KINDS[(index * 3 + k) % KINDS.length]!,
      address: `模拟路 ${index + 1} 弄 ${k + 1} 号`,
      lat: at.lat,
      lng: at.lng,
      households,
      zone: k === 2 ? 'B片' : 'A片',
    };
  });

  const product = ([name, unit, priceFen, packSize]: (typeof STAPLES)[number]): DemoProduct => ({
    name,
    unit,
    // Prices differ by community (up to +/-15%), so the cheapest-first merge has something to sort.
    priceFen: Math.round(priceFen * (0.85 + 0.3 * next())),
    packSize,
    onHand: 5 + Math.floor(next() * 60),
  });
  const shopAt = (compound: DemoCompound, east: number) => offset(compound.lat, compound.lng, 30, east);
  const shops: DemoShop[] = [
    {
      name: `模拟${n}副食品店`,
      kind: ShopKind.GROCERY,
      compound: 'c1',
      address: `模拟路 ${index + 1} 号`,
      ...shopAt(compounds[0]!, 40),
      products: [...STAPLES, EXTRAS[index % EXTRAS.length]!].map(product),
    },
    {
      name: `模拟${n}便民店`,
      kind: SECOND_SHOP_KINDS[index % SECOND_SHOP_KINDS.length]!,
      compound: 'c2',
      address: `模拟路 ${index + 1} 弄 2 号旁`,
      ...shopAt(compounds[1]!, -40),
      products: [STAPLES[0]!, STAPLES[2]!, EXTRAS[(index + 2) % EXTRAS.length]!, EXTRAS[(index + 4) % EXTRAS.length]!].map(product),
    },
  ];

  const volunteers: DemoVolunteer[] = [
    { displayName: `${n}号志愿者甲`, skills: [Skill.MEDICINE_PICKUP, Skill.DELIVERY], vehicleSeats: 0, zone: 'A片', available: true, compound: 'c1', shifts: ['now'] },
    { displayName: `${n}号志愿者乙`, skills: [Skill.DRIVER, Skill.ESCORT, Skill.MEDICINE_PICKUP], vehicleSeats: 4, zone: 'A片', available: true, compound: 'c2' },
    { displayName: `${n}号志愿者丙`, skills: [Skill.CARE], vehicleSeats: 0, zone: 'B片', available: false, compound: 'c3' },
  ];

  return {
    code,
    name: `模拟${n}居委`,
    nameEn: `Simulated Community ${n}`,
    neighbours: gridNeighbours(index, count),
    lat: centre.lat,
    lng: centre.lng,
    compounds,
    groups: [
      { name: `模拟${n}第一小区互助群`, compound: 'c1', leader: ['c1', '1', '', '101'] },
      { name: `模拟${n}第二小区团购群`, compound: 'c2', leader: ['c2', '1', '1', '101'] },
    ],
    shops,
    volunteers,
  };
}

/** The first `count` simulated communities, checked by the seed's own data rules (throws listing every problem). */
export function simulatedSubDistrict(count: number): DemoCommunity[] {
  if (!Number.isInteger(count) || count < 1 || count > MAX_SIMULATED) throw new RangeError(`a simulated sub-district has 1-${MAX_SIMULATED} communities, not ${count}`);
  const communities = Array.from({ length: count }, (_, i) => simulatedCommunity(i, count));
  // Every compound kind appears once there are two communities; a single one is checked on its own.
  const problems = count >= 2 ? demoSubDistrictProblems(communities) : communities.flatMap(demoCommunityProblems);
  if (problems.length > 0) throw new Error(`simulated data cannot be seeded:\n  ${problems.join('\n  ')}`);
  return communities;
}
