/**
 * How a pool of group orders is rounded to whole packs and allocated, the way Foodsoft does it
 * (`OrderArticle#calculate_units_to_order`, `GroupOrderArticle#update_quantities` and `#calculate_result`), with an
 * explanation for every number. Pure: no database, no GraphQL, no clock.
 *
 * The rules, in one place:
 * - Packs = floor(quantity / packSize), plus one when a partial pack exists and the remainder plus every entry's
 *   tolerance fills it. Tolerance never fills a pack on its own (remainder 0 means no extra pack).
 * - Stock cap: with `maxUnits`, packs are cut to floor(maxUnits / packSize).
 * - The pool forms only when packs >= minimumPacks; otherwise nothing is allocated.
 * - Every unit is queued by the time it was asked for. Raising an entry queues only the added units, at the time of
 *   the raise (back of the queue); lowering gives up that entry's most recently queued units first.
 * - All quantity units are served, first-come, before any tolerance unit.
 * - Tolerance units queue exactly like quantity units (Foodsoft keeps both in the same timestamped records): a raise
 *   queues the added tolerance at the time of the raise, a lowering takes back the latest-offered tolerance first.
 *   So "the time the entry set its tolerance" is kept per unit: raising a tolerance never moves the units offered
 *   earlier to the back, and lowering only lowers the amount.
 * - Tolerance is extra for the households who asked: while an entry asks for no unit it offers no tolerance (an
 *   order nobody signed up for is never sent units). Its tolerance queues again when it asks for a unit again.
 * - An entry whose group order has not reached its own minimum (the leader's 成团 condition: households or units)
 *   takes no part: its units count for no pack and it gets nothing, saying why. Live progress counts it the same way,
 *   and shows its units apart, since they join the count the moment the order reaches its minimum.
 * - Ties (two entries changing at the same instant) go to the entry listed first.
 *
 * Then each group order's share goes to its households (`shareAmongHouseholds`):
 * - Households are served in sign-up order: the earliest gets min(its quantity, what is left), then the next.
 * - Units beyond the households' total (the tolerance used for the order) are extra: dealt one each, in sign-up order,
 *   round again while any is left, to the households that asked for at least one unit. So every unit the order got is
 *   on a household's hand-out line, and the explanation says how many of them are extra.
 */
import type { BilingualMessage } from '@lilong/schema';

export interface PoolSpec {
  /** Units per pack; an integer >= 1. */
  packSize: number;
  /** The merchant's minimum, in whole packs; an integer >= 1 (1 means "no minimum beyond one pack"). */
  minimumPacks: number;
  /** Units on hand that can be reserved for this pool; packs are capped at floor(maxUnits / packSize). */
  maxUnits?: number;
}

/** One edit of an entry: its TOTAL quantity and tolerance after the edit, in units. */
export interface EntryChange {
  at: Date;
  quantity: number;
  tolerance: number;
}

/** A group order joining the pool. */
export interface PoolEntryInput {
  id: string;
  /** Shown in other entries' explanations, e.g. the compound's name. */
  label: string;
  /** At least one, in time order; the first is the sign-up. */
  changes: readonly EntryChange[];
  /**
   * Set when the entry's group order has not reached its own minimum: why, with the numbers. The entry then takes no
   * part (see the rules above).
   */
  belowOwnMinimum?: BilingualMessage;
}

export interface ExplainOptions {
  /**
   * IANA time zone in which explanations write times ("17:00"; "04-12 17:00" when the times span several days).
   * @default 'Asia/Shanghai'
   */
  timeZone?: string;
}

export interface PoolProgress {
  totalQuantity: number;
  totalTolerance: number;
  /** Full packs from quantities alone. */
  fullPacks: number;
  /** Packs ordered if the pool closed now: with tolerance, capped by stock. */
  packsIfClosedNow: number;
  /** More quantity units needed to complete the open pack (packSize - remainder; packSize when none is open). */
  unitsToNextPack: number;
  /**
   * The same, counting every tolerance: 0 when tolerance already completes the open pack. When no pack is open at
   * least 1 is needed, since tolerance alone never makes a pack.
   */
  unitsToNextPackWithTolerance: number;
  /** Packs still missing to the merchant's minimum, if the pool closed now. */
  missingPacksToMinimum: number;
  /** True when closing now would form the pool. */
  wouldForm: boolean;
  /** Packs the stock allows; absent without `maxUnits`. */
  packsInStock?: number;
  /** True when the stock, not the orders, limits the packs. */
  stockLimited: boolean;
  /** Units of entries whose group order has not reached its own minimum yet: not counted above. */
  unitsBelowOwnMinimum: number;
}

export type AllocationRule =
  /** The pool stayed below the minimum: nobody gets anything. */
  | 'POOL_NOT_FORMED'
  /** The entry's group order did not reach its own minimum, so it took no part. */
  | 'ORDER_BELOW_MINIMUM'
  /** The entry asks for nothing (it withdrew). */
  | 'NOTHING_REQUESTED'
  /** Every requested unit was served; no tolerance was used for this entry. */
  | 'ALL_QUANTITY_SERVED'
  /** Some requested units were not served: first-come, the packs ran out before them. */
  | 'FIRST_COME_QUANTITY'
  /** Every requested unit plus some tolerance units, used first-come to complete the last pack. */
  | 'FIRST_COME_TOLERANCE';

export interface ChunkAllocation {
  kind: 'QUANTITY' | 'TOLERANCE';
  /** When these units were asked for (or offered, for tolerance). */
  at: Date;
  units: number;
  allocated: number;
  /** 1-based place among all chunks of this kind in the pool. */
  queuePosition: number;
  /** Units of this kind, from any entry, queued before this chunk. */
  unitsAhead: number;
}

/** Another entry's chunk queued before this entry's first unserved unit. */
export interface ChunkAhead {
  entryId: string;
  label: string;
  kind: 'QUANTITY' | 'TOLERANCE';
  at: Date;
  units: number;
  allocated: number;
}

export interface AllocationExplanation {
  rule: AllocationRule;
  /** The entry's final quantity. */
  requested: number;
  /** The entry's final tolerance. */
  tolerance: number;
  allocated: number;
  fromQuantity: number;
  fromTolerance: number;
  /** Packs ordered (0 when the pool did not form). */
  packs: number;
  /** Packs the orders reach after the stock cap; compared with the minimum. */
  packsReached: number;
  /** Packs the orders would make without the stock cap. */
  packsBeforeStockCap: number;
  packSize: number;
  minimumPacks: number;
  maxUnits?: number;
  stockLimited: boolean;
  unitsOrdered: number;
  totalQuantity: number;
  totalTolerance: number;
  /** Place of the entry's first quantity chunk in the quantity queue; null when it asks for no quantity. */
  queuePosition: number | null;
  /** The entry's chunks, quantity first, each in queue order. */
  chunks: ChunkAllocation[];
  /** Other entries' chunks queued before this entry's first unit that was not served; empty when all were served. */
  ahead: ChunkAhead[];
  message: BilingualMessage;
}

export interface EntryAllocation {
  id: string;
  label: string;
  /** Final quantity. */
  quantity: number;
  /** Final tolerance. */
  tolerance: number;
  allocated: number;
  fromQuantity: number;
  fromTolerance: number;
  explanation: AllocationExplanation;
}

export interface PoolAllocation {
  formed: boolean;
  /** Packs ordered: `packsReached` when formed, else 0. */
  packs: number;
  /** Packs the orders reach after the stock cap; compared with the minimum. */
  packsReached: number;
  packsBeforeStockCap: number;
  stockLimited: boolean;
  /** packs * packSize; always the sum of the entries' allocations. */
  unitsOrdered: number;
  totals: { quantity: number; tolerance: number; quantityServed: number; toleranceUsed: number };
  /** In input order. */
  entries: EntryAllocation[];
  /** Why the pool did not form, with the numbers ("3 packs, minimum 4"); absent when it formed. */
  reason?: BilingualMessage;
  /** What the pool ordered and why, shared by every entry's message. */
  summary: BilingualMessage;
}

export interface HouseholdSignUp {
  id: string;
  quantity: number;
  signedUpAt: Date;
}

export type HouseholdRule = 'NOTHING_REQUESTED' | 'FULLY_SERVED' | 'SERVED_WITH_EXTRA' | 'PARTLY_SERVED' | 'NOT_SERVED';

export interface HouseholdShare {
  id: string;
  quantity: number;
  allocated: number;
  explanation: {
    rule: HouseholdRule;
    requested: number;
    /** Everything the household gets: its own units served, plus `extra`. */
    allocated: number;
    /** Of `allocated`, units beyond what the household asked for: its share of the order's tolerance units. */
    extra: number;
    /** What the group order received. */
    groupAllocated: number;
    /** Of `groupAllocated`, units beyond the households' total: the tolerance used for the order. */
    groupExtra: number;
    /** 1-based place in sign-up order. */
    position: number;
    signedUpAt: Date;
    householdsAhead: number;
    /** Units given to the households that signed up earlier. */
    unitsTakenAhead: number;
    message: BilingualMessage;
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Validation: contract checks; the caller has already validated user input.

function requireWhole(value: number, what: string, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new Error(`${what} must be an integer >= ${min}, got ${value}.`);
  }
}

function requireDate(value: Date, what: string): void {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw new Error(`${what} must be a valid Date.`);
}

function validateSpec(spec: PoolSpec): void {
  requireWhole(spec.packSize, 'packSize', 1);
  requireWhole(spec.minimumPacks, 'minimumPacks', 1);
  if (spec.maxUnits !== undefined) requireWhole(spec.maxUnits, 'maxUnits', 0);
}

function validateEntries(entries: readonly PoolEntryInput[]): void {
  const seen = new Set<string>();
  for (const entry of entries) {
    if (seen.has(entry.id)) throw new Error(`Entry id "${entry.id}" appears twice.`);
    seen.add(entry.id);
    if (entry.changes.length === 0) throw new Error(`Entry "${entry.id}" has no changes; its first change is the sign-up.`);
    entry.changes.forEach((change, i) => {
      const where = `Entry "${entry.id}" changes[${i}]`;
      requireDate(change.at, `${where}.at`);
      requireWhole(change.quantity, `${where}.quantity`, 0);
      requireWhole(change.tolerance, `${where}.tolerance`, 0);
      const previous = entry.changes[i - 1];
      if (previous && change.at.getTime() < previous.at.getTime()) {
        throw new Error(
          `${where} at ${change.at.toISOString()} is before changes[${i - 1}] at ${previous.at.toISOString()}; changes must be in time order.`,
        );
      }
    });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Rounding

interface Rounding {
  totalQuantity: number;
  totalTolerance: number;
  fullPacks: number;
  remainder: number;
  /** True when the remainder plus all tolerance completes one more pack. */
  toleranceCompletesPack: boolean;
  packsBeforeStockCap: number;
  packsInStock?: number;
  packsReached: number;
  stockLimited: boolean;
  formed: boolean;
}

function round(spec: PoolSpec, totalQuantity: number, totalTolerance: number): Rounding {
  const fullPacks = Math.floor(totalQuantity / spec.packSize);
  const remainder = totalQuantity % spec.packSize;
  const toleranceCompletesPack = remainder > 0 && remainder + totalTolerance >= spec.packSize;
  const packsBeforeStockCap = fullPacks + (toleranceCompletesPack ? 1 : 0);
  const packsInStock = spec.maxUnits === undefined ? undefined : Math.floor(spec.maxUnits / spec.packSize);
  const packsReached = packsInStock === undefined ? packsBeforeStockCap : Math.min(packsBeforeStockCap, packsInStock);
  return {
    totalQuantity,
    totalTolerance,
    fullPacks,
    remainder,
    toleranceCompletesPack,
    packsBeforeStockCap,
    packsInStock,
    packsReached,
    stockLimited: packsReached < packsBeforeStockCap,
    formed: packsReached >= spec.minimumPacks,
  };
}

/** The tolerance a change offers: none while the entry asks for no unit. */
const offeredTolerance = (change: EntryChange): number => (change.quantity > 0 ? change.tolerance : 0);

/** The entry's quantity and offered tolerance after its last change. */
function finalChange(entry: PoolEntryInput): { quantity: number; tolerance: number } {
  const last = entry.changes[entry.changes.length - 1]!;
  return { quantity: last.quantity, tolerance: offeredTolerance(last) };
}

const takesPart = (entry: PoolEntryInput): boolean => entry.belowOwnMinimum === undefined;

/** Total quantity and tolerance of the entries that take part. */
function roundEntries(spec: PoolSpec, entries: readonly PoolEntryInput[]): Rounding {
  const taking = entries.filter(takesPart);
  return round(spec, sum(taking.map((e) => finalChange(e).quantity)), sum(taking.map((e) => finalChange(e).tolerance)));
}

/** What the pool would do if it closed now, for display while it is open. */
export function poolProgress(spec: PoolSpec, entries: readonly PoolEntryInput[]): PoolProgress {
  validateSpec(spec);
  validateEntries(entries);
  const r = roundEntries(spec, entries);
  const P = spec.packSize;
  return {
    totalQuantity: r.totalQuantity,
    totalTolerance: r.totalTolerance,
    fullPacks: r.fullPacks,
    packsIfClosedNow: r.packsReached,
    unitsToNextPack: P - r.remainder,
    unitsToNextPackWithTolerance:
      r.remainder > 0 ? Math.max(0, P - r.remainder - r.totalTolerance) : Math.max(1, P - r.totalTolerance),
    missingPacksToMinimum: Math.max(0, spec.minimumPacks - r.packsReached),
    wouldForm: r.formed,
    ...(r.packsInStock === undefined ? {} : { packsInStock: r.packsInStock }),
    stockLimited: r.stockLimited,
    unitsBelowOwnMinimum: sum(entries.filter((e) => !takesPart(e)).map((e) => finalChange(e).quantity)),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Queues

interface Chunk {
  entryIndex: number;
  kind: 'QUANTITY' | 'TOLERANCE';
  at: Date;
  units: number;
  allocated: number;
  queuePosition: number;
  unitsAhead: number;
}

/**
 * Replays an entry's history for one kind of unit: a raise appends a chunk of the added units at the time of the
 * raise; a lowering takes units back from the newest chunks first and drops chunks left empty.
 */
function replay(entry: PoolEntryInput, entryIndex: number, kind: Chunk['kind']): Chunk[] {
  const chunks: Chunk[] = [];
  if (!takesPart(entry)) return chunks;
  let current = 0;
  for (const change of entry.changes) {
    const target = kind === 'QUANTITY' ? change.quantity : offeredTolerance(change);
    if (target > current) {
      chunks.push({ entryIndex, kind, at: change.at, units: target - current, allocated: 0, queuePosition: 0, unitsAhead: 0 });
    }
    let giveUp = current - target;
    while (giveUp > 0) {
      const newest = chunks[chunks.length - 1]!;
      const taken = Math.min(giveUp, newest.units);
      newest.units -= taken;
      giveUp -= taken;
      if (newest.units === 0) chunks.pop();
    }
    current = target;
  }
  return chunks;
}

/** Orders every entry's chunks by time; the sort is stable, so ties keep input order. Serves `available` units. */
function serveQueue(perEntry: Chunk[][], available: number): { queue: Chunk[]; served: number } {
  const queue = perEntry.flat().sort((a, b) => a.at.getTime() - b.at.getTime());
  let served = 0;
  queue.forEach((chunk, i) => {
    chunk.queuePosition = i + 1;
    chunk.unitsAhead = i === 0 ? 0 : queue[i - 1]!.unitsAhead + queue[i - 1]!.units;
    chunk.allocated = Math.min(chunk.units, available - served);
    served += chunk.allocated;
  });
  return { queue, served };
}

// ---------------------------------------------------------------------------------------------------------------
// Allocation

/** Rounds the pool to packs and allocates the units first-come; every entry gets an explanation. */
export function allocatePool(
  spec: PoolSpec,
  entries: readonly PoolEntryInput[],
  options: ExplainOptions = {},
): PoolAllocation {
  validateSpec(spec);
  validateEntries(entries);
  const quantityChunks = entries.map((e, i) => replay(e, i, 'QUANTITY'));
  const toleranceChunks = entries.map((e, i) => replay(e, i, 'TOLERANCE'));
  const r = roundEntries(spec, entries);
  const packs = r.formed ? r.packsReached : 0;
  const unitsOrdered = packs * spec.packSize;

  // Quantities first, all of them, before any tolerance.
  const quantity = serveQueue(quantityChunks, unitsOrdered);
  const tolerance = serveQueue(toleranceChunks, unitsOrdered - quantity.served);

  const times = new TimeWriter(
    [...quantity.queue, ...tolerance.queue].map((c) => c.at),
    options.timeZone ?? 'Asia/Shanghai',
  );
  const summary = poolSummary(spec, r, packs);
  const reason = r.formed ? undefined : notFormedReason(spec, r);

  const allocations = entries.map((entry, entryIndex): EntryAllocation => {
    const own = [...quantityChunks[entryIndex]!, ...toleranceChunks[entryIndex]!];
    const fromQuantity = sum(quantityChunks[entryIndex]!.map((c) => c.allocated));
    const fromTolerance = sum(toleranceChunks[entryIndex]!.map((c) => c.allocated));
    const { quantity: requested, tolerance: offered } = finalChange(entry);
    const rule: AllocationRule = !takesPart(entry)
      ? 'ORDER_BELOW_MINIMUM'
      : !r.formed
        ? 'POOL_NOT_FORMED'
        : requested + offered === 0
        ? 'NOTHING_REQUESTED'
        : fromQuantity < requested
          ? 'FIRST_COME_QUANTITY'
          : fromTolerance > 0
            ? 'FIRST_COME_TOLERANCE'
            : 'ALL_QUANTITY_SERVED';
    const firstShort = r.formed ? own.find((c) => c.allocated < c.units) : undefined;
    const queueOfShort = firstShort?.kind === 'TOLERANCE' ? tolerance.queue : quantity.queue;
    const ahead: ChunkAhead[] = firstShort
      ? queueOfShort
          .slice(0, firstShort.queuePosition - 1)
          .filter((c) => c.entryIndex !== entryIndex)
          .map((c) => ({
            entryId: entries[c.entryIndex]!.id,
            label: entries[c.entryIndex]!.label,
            kind: c.kind,
            at: c.at,
            units: c.units,
            allocated: c.allocated,
          }))
      : [];
    const explanation: AllocationExplanation = {
      rule,
      requested,
      tolerance: offered,
      allocated: fromQuantity + fromTolerance,
      fromQuantity,
      fromTolerance,
      packs,
      packsReached: r.packsReached,
      packsBeforeStockCap: r.packsBeforeStockCap,
      packSize: spec.packSize,
      minimumPacks: spec.minimumPacks,
      ...(spec.maxUnits === undefined ? {} : { maxUnits: spec.maxUnits }),
      stockLimited: r.stockLimited,
      unitsOrdered,
      totalQuantity: r.totalQuantity,
      totalTolerance: r.totalTolerance,
      queuePosition: quantityChunks[entryIndex]![0]?.queuePosition ?? null,
      chunks: own.map(({ kind, at, units, allocated, queuePosition, unitsAhead }) => ({
        kind,
        at,
        units,
        allocated,
        queuePosition,
        unitsAhead,
      })),
      ahead,
      message: { en: '', zh: '' },
    };
    explanation.message = entryMessage(explanation, summary, entry, times);
    return {
      id: entry.id,
      label: entry.label,
      quantity: requested,
      tolerance: offered,
      allocated: explanation.allocated,
      fromQuantity,
      fromTolerance,
      explanation,
    };
  });

  return {
    formed: r.formed,
    packs,
    packsReached: r.packsReached,
    packsBeforeStockCap: r.packsBeforeStockCap,
    stockLimited: r.stockLimited,
    unitsOrdered,
    totals: {
      quantity: r.totalQuantity,
      tolerance: r.totalTolerance,
      quantityServed: quantity.served,
      toleranceUsed: tolerance.served,
    },
    entries: allocations,
    ...(reason ? { reason } : {}),
    summary,
  };
}

/**
 * Shares a group order's allocation among its households in sign-up order: the earliest gets min(its quantity, what
 * is left), then the next. Ties keep input order. Units beyond the households' total (the tolerance used for the
 * order) are extra, dealt one each in sign-up order to the households that asked for any, round again while any is
 * left. Returned in input order; the shares always add up to `allocated`.
 */
export function shareAmongHouseholds(
  allocated: number,
  signUps: readonly HouseholdSignUp[],
  options: ExplainOptions = {},
): HouseholdShare[] {
  requireWhole(allocated, 'allocated', 0);
  const seen = new Set<string>();
  signUps.forEach((s, i) => {
    if (seen.has(s.id)) throw new Error(`Household id "${s.id}" appears twice.`);
    seen.add(s.id);
    requireWhole(s.quantity, `signUps[${i}] ("${s.id}").quantity`, 0);
    requireDate(s.signedUpAt, `signUps[${i}] ("${s.id}").signedUpAt`);
  });
  const times = new TimeWriter(
    signUps.map((s) => s.signedUpAt),
    options.timeZone ?? 'Asia/Shanghai',
  );
  const order = signUps.map((_, i) => i).sort((a, b) => signUps[a]!.signedUpAt.getTime() - signUps[b]!.signedUpAt.getTime());
  // Own units first, in sign-up order.
  const served = new Array<number>(signUps.length).fill(0);
  const takenAhead = new Array<number>(signUps.length).fill(0);
  let left = allocated;
  for (const index of order) {
    takenAhead[index] = allocated - left;
    served[index] = Math.min(signUps[index]!.quantity, left);
    left -= served[index]!;
  }
  // Then the extra units, one each in sign-up order, round again while any is left.
  const groupExtra = left;
  const extra = new Array<number>(signUps.length).fill(0);
  const asking = order.filter((index) => signUps[index]!.quantity > 0);
  if (groupExtra > 0 && asking.length === 0) {
    throw new Error(`allocated ${allocated} units, but no household asked for any: there is nobody to give them to.`);
  }
  for (let i = 0; i < groupExtra; i++) extra[asking[i % asking.length]!]! += 1;

  const shares: HouseholdShare[] = new Array(signUps.length);
  order.forEach((index, place) => {
    const signUp = signUps[index]!;
    const got = served[index]!;
    const rule: HouseholdRule =
      signUp.quantity === 0
        ? 'NOTHING_REQUESTED'
        : got < signUp.quantity
          ? got > 0
            ? 'PARTLY_SERVED'
            : 'NOT_SERVED'
          : extra[index]! > 0
            ? 'SERVED_WITH_EXTRA'
            : 'FULLY_SERVED';
    const explanation = {
      rule,
      requested: signUp.quantity,
      allocated: got + extra[index]!,
      extra: extra[index]!,
      groupAllocated: allocated,
      groupExtra,
      position: place + 1,
      signedUpAt: signUp.signedUpAt,
      householdsAhead: place,
      unitsTakenAhead: takenAhead[index]!,
      message: { en: '', zh: '' },
    };
    explanation.message = householdMessage(explanation, times.write(signUp.signedUpAt));
    shares[index] = { id: signUp.id, quantity: signUp.quantity, allocated: explanation.allocated, explanation };
  });
  return shares;
}

// ---------------------------------------------------------------------------------------------------------------
// Messages

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);
const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
const unitsEn = (n: number) => plural(n, 'unit', 'units');
const packsEn = (n: number) => plural(n, 'pack', 'packs');
const ORDINALS = ['first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth'];
function ordinalEn(n: number): string {
  if (n <= ORDINALS.length) return ORDINALS[n - 1]!;
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}

/** Writes times in one zone: "17:00", or "04-12 17:00" when the times involved span several local days. */
class TimeWriter {
  private readonly format: Intl.DateTimeFormat;
  private readonly withDay: boolean;

  constructor(times: readonly Date[], timeZone: string) {
    this.format = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    this.withDay = new Set(times.map((t) => this.parts(t).day)).size > 1;
  }

  write(at: Date): string {
    const p = this.parts(at);
    return this.withDay ? `${p.day} ${p.time}` : p.time;
  }

  private parts(at: Date): { day: string; time: string } {
    const get = (type: Intl.DateTimeFormatPartTypes) => this.format.formatToParts(at).find((p) => p.type === type)?.value;
    return { day: `${get('month')}-${get('day')}`, time: `${get('hour')}:${get('minute')}` };
  }
}

function poolSummary(spec: PoolSpec, r: Rounding, packs: number): BilingualMessage {
  const P = spec.packSize;
  const Q = r.totalQuantity;
  const T = r.totalTolerance;
  const requestedEn = T > 0 ? `${Q} requested + ${T} tolerance` : `${Q} requested`;
  const requestedZh = T > 0 ? `需求 ${Q} 份加容差 ${T} 份` : `需求 ${Q} 份`;
  if (!r.formed) {
    const reason = notFormedReason(spec, r);
    return { en: `The pool did not form: ${reason.en}. Nothing was allocated.`, zh: `拼单未成团：${reason.zh}。所有订单都未分配。` };
  }
  const head = { en: `The pool ordered ${packsEn(packs)} of ${P}`, zh: `拼单共订 ${packs} 箱，每箱 ${P} 份` };
  if (r.stockLimited) {
    return {
      en: `${head.en}: only ${unitsEn(spec.maxUnits!)} are in stock, enough for ${packsEn(packs)} (${requestedEn} would have made ${r.packsBeforeStockCap}).`,
      zh: `${head.zh}：库存只有 ${spec.maxUnits} 份，只够 ${packs} 箱（${requestedZh}本可凑成 ${r.packsBeforeStockCap} 箱）。`,
    };
  }
  if (r.toleranceCompletesPack) {
    const used = P - r.remainder;
    return {
      en: `${head.en} (${Q} requested; ${used} of the ${unitsOfKind(T, 'TOLERANCE')} completed the ${ordinalEn(packs)} pack).`,
      zh: `${head.zh}（${requestedZh}，用其中 ${used} 份容差补满了第 ${packs} 箱）。`,
    };
  }
  if (r.remainder === 0) {
    return { en: `${head.en} (${Q} requested filled them exactly).`, zh: `${head.zh}（需求 ${Q} 份正好装满）。` };
  }
  return {
    en: `${head.en} (${requestedEn} did not fill a ${ordinalEn(packs + 1)} pack).`,
    zh: `${head.zh}（${requestedZh}，凑不满第 ${packs + 1} 箱）。`,
  };
}

function notFormedReason(spec: PoolSpec, r: Rounding): BilingualMessage {
  const Q = r.totalQuantity;
  const T = r.totalTolerance;
  const numbers = {
    en: `${packsEn(r.packsReached)}, minimum ${spec.minimumPacks}`,
    zh: `${r.packsReached} 箱，最少 ${spec.minimumPacks} 箱`,
  };
  if (r.stockLimited) {
    return {
      en: `${numbers.en} (only ${unitsEn(spec.maxUnits!)} in stock, enough for ${r.packsReached} of the ${packsEn(r.packsBeforeStockCap)} requested)`,
      zh: `${numbers.zh}（库存只有 ${spec.maxUnits} 份，只够需求 ${r.packsBeforeStockCap} 箱中的 ${r.packsReached} 箱）`,
    };
  }
  return {
    en: `${numbers.en} (${Q} requested + ${T} tolerance, packs of ${spec.packSize})`,
    zh: `${numbers.zh}（需求 ${Q} 份加容差 ${T} 份，每箱 ${spec.packSize} 份）`,
  };
}

/** "2 units", or "2 tolerance units" for tolerance. */
const unitsOfKind = (n: number, kind: ChunkAllocation['kind']) =>
  kind === 'TOLERANCE' ? plural(n, 'tolerance unit', 'tolerance units') : unitsEn(n);
const zhKind = (kind: ChunkAllocation['kind']) => (kind === 'TOLERANCE' ? '容差' : '');

/** "your 2 units of 17:00 were all served" / "1 of your 2 units of 19:00 was served" / "none of … was served". */
function chunkPhrase(c: ChunkAllocation, when: string): BilingualMessage {
  const what = `${unitsOfKind(c.units, c.kind)} of ${when}`;
  const zhWhat = `${when} 的 ${c.units} 份${zhKind(c.kind)}`;
  if (c.allocated === c.units) {
    return { en: c.units === 1 ? `your ${what} was served` : `your ${what} were all served`, zh: `${zhWhat}全部分到` };
  }
  if (c.allocated === 0) return { en: `none of your ${what} was served`, zh: `${zhWhat}未分到` };
  return {
    en: `${c.allocated} of your ${what} ${c.allocated === 1 ? 'was' : 'were'} served`,
    zh: `${zhWhat}分到 ${c.allocated} 份`,
  };
}

/** Names who was served ahead: each chunk when there are few, a count otherwise. */
function aheadPhrase(ahead: readonly ChunkAhead[], times: TimeWriter): BilingualMessage | null {
  const served = ahead.filter((c) => c.allocated > 0);
  if (served.length === 0) return null;
  if (served.length <= 3) {
    return {
      en: `after ${served.map((c) => `${c.label}'s ${unitsOfKind(c.allocated, c.kind)} of ${times.write(c.at)}`).join(', ')}`,
      zh: `排在 ${served.map((c) => `${c.label} ${times.write(c.at)} 的 ${c.allocated} 份${zhKind(c.kind)}`).join('、')}之后`,
    };
  }
  const units = sum(served.map((c) => c.allocated));
  const orders = new Set(served.map((c) => c.entryId)).size;
  return {
    en: `after ${unitsEn(units)} that ${plural(orders, 'other order', 'other orders')} queued earlier`,
    zh: `排在其他 ${orders} 个订单更早的 ${units} 份之后`,
  };
}

function entryMessage(x: AllocationExplanation, summary: BilingualMessage, entry: PoolEntryInput, times: TimeWriter): BilingualMessage {
  const en = [summary.en];
  const zh = [summary.zh];
  if (x.rule === 'ORDER_BELOW_MINIMUM') {
    const why = entry.belowOwnMinimum!;
    return {
      en: `${why.en} So your group order took no part in the pool and gets nothing. ${summary.en}`,
      zh: `${why.zh}因此本团未参加拼单，没有分到。${summary.zh}`,
    };
  }
  if (x.rule === 'POOL_NOT_FORMED') return { en: en.join(' '), zh: zh.join('') };
  if (x.rule === 'NOTHING_REQUESTED') {
    return { en: [...en, 'Your order asks for nothing.'].join(' '), zh: [...zh, '你的订单没有订购任何份数。'].join('') };
  }
  const tol = x.tolerance > 0 ? { en: ` (+${x.tolerance} tolerance)`, zh: `（另加容差 ${x.tolerance} 份）` } : { en: '', zh: '' };
  en.push(`You asked for ${unitsEn(x.requested)}${tol.en} and got ${x.allocated}.`);
  zh.push(`你订了 ${x.requested} 份${tol.zh}，分到 ${x.allocated} 份。`);

  const quantityChunks = x.chunks.filter((c) => c.kind === 'QUANTITY');
  const toleranceChunks = x.chunks.filter((c) => c.kind === 'TOLERANCE');
  const aheadNote = aheadPhrase(x.ahead, times);
  const firstShort = x.chunks.find((c) => c.allocated < c.units);

  if (quantityChunks.length > 0) {
    const phrases = quantityChunks.map((c) => {
      const p = chunkPhrase(c, times.write(c.at));
      return c === firstShort && aheadNote ? { en: `${p.en}, ${aheadNote.en}`, zh: `${p.zh}，${aheadNote.zh}` } : p;
    });
    const lowered = entry.changes.some((c, i) => i > 0 && c.quantity < entry.changes[i - 1]!.quantity);
    en.push(
      `Units go first-come: ${phrases.map((p) => p.en).join(', ')}.` +
        (lowered ? ' When you lowered your order, your latest units were given up first.' : ''),
    );
    zh.push(`按先到先得分配：你 ${phrases.map((p) => p.zh).join('，')}。` + (lowered ? '你减少订量时，先退掉的是最晚加的份数。' : ''));
  }

  if (x.fromTolerance > 0) {
    const phrases = toleranceChunks
      .filter((c) => c.allocated > 0 || c === firstShort)
      .map((c) => {
        const p = chunkPhrase(c, times.write(c.at));
        return c === firstShort && aheadNote ? { en: `${p.en}, ${aheadNote.en}`, zh: `${p.zh}，${aheadNote.zh}` } : p;
      });
    en.push(`Tolerance is used only after every requested unit, first-come, to complete the last pack: ${phrases.map((p) => p.en).join(', ')}.`);
    zh.push(`容差只在所有需求都分完后才按先到先得使用，用来补满最后一箱：你 ${phrases.map((p) => p.zh).join('，')}。`);
  } else if (x.tolerance > 0) {
    en.push(`Your ${unitsOfKind(x.tolerance, 'TOLERANCE')} ${x.tolerance === 1 ? 'was' : 'were'} not used.`);
    zh.push(`你的 ${x.tolerance} 份容差没有用上。`);
  }
  return { en: en.join(' '), zh: zh.join('') };
}

function householdMessage(x: Omit<HouseholdShare['explanation'], 'message'>, when: string): BilingualMessage {
  const head =
    x.groupExtra > 0
      ? {
          en: `Your group order received ${unitsEn(x.groupAllocated)}, shared in sign-up order: first each household's own units, then the ${plural(x.groupExtra, 'extra unit', 'extra units')} (tolerance the leader accepted to complete a pack), one each in sign-up order.`,
          zh: `本团分到 ${x.groupAllocated} 份，按接龙顺序分配：先分各户自己要的份数，再把多出的 ${x.groupExtra} 份（团长为补满整箱接受的容差）按接龙顺序每户一份。`,
        }
      : {
          en: `Your group order received ${unitsEn(x.groupAllocated)}, shared in sign-up order.`,
          zh: `本团分到 ${x.groupAllocated} 份，按接龙顺序分配。`,
        };
  if (x.rule === 'NOTHING_REQUESTED') {
    return { en: `${head.en} You signed up for nothing.`, zh: `${head.zh}你没有订购。` };
  }
  if (x.groupAllocated === 0) {
    return {
      en: 'Your group order received nothing, so no household gets any.',
      zh: '本团没有分到，所有住户都未分到。',
    };
  }
  const before =
    x.householdsAhead === 0
      ? { en: 'nobody signed up before you', zh: '前面没有人' }
      : {
          en: `the ${plural(x.householdsAhead, 'household', 'households')} before you took ${unitsEn(x.unitsTakenAhead)}`,
          zh: `前面 ${x.householdsAhead} 户共分走 ${x.unitsTakenAhead} 份`,
        };
  const got = servedPhrase(x);
  return {
    en: `${head.en} You signed up ${ordinalEn(x.position)}, at ${when}; ${before.en}, so ${got.en}.`,
    zh: `${head.zh}你是第 ${x.position} 个接龙（${when}），${before.zh}，${got.zh}。`,
  };
}

/** What the household got, after "so": its own units, and any extra. */
function servedPhrase(x: Omit<HouseholdShare['explanation'], 'message'>): BilingualMessage {
  const asked = unitsEn(x.requested);
  switch (x.rule) {
    case 'SERVED_WITH_EXTRA':
      return { en: `you got all ${asked} you asked for, plus ${x.extra} extra`, zh: `你要 ${x.requested} 份，全部分到，另多分 ${x.extra} 份` };
    case 'FULLY_SERVED':
      return x.groupExtra > 0
        ? {
            en: `you got all ${asked} you asked for; the extra units went to households that signed up earlier`,
            zh: `你要 ${x.requested} 份，全部分到；多出的份数已分给更早接龙的住户`,
          }
        : { en: `you got all ${asked} you asked for`, zh: `你要 ${x.requested} 份，全部分到` };
    case 'PARTLY_SERVED':
      return { en: `you got ${x.allocated} of the ${asked} you asked for`, zh: `你要 ${x.requested} 份，分到 ${x.allocated} 份` };
    default:
      return { en: `nothing was left of the ${asked} you asked for`, zh: `你要 ${x.requested} 份，已分完，未分到` };
  }
}
