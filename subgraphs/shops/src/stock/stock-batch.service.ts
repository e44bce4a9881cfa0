/**
 * Many stock changes to one shop at once: a batch of items, or a CSV stocktake. All or nothing, in one transaction
 * that locks the shop's rows in id order (as every writer of product rows does, so two writers cannot deadlock);
 * every bad item or row is reported at once, and each change leaves an entry in the stock history.
 */
import { LockMode } from '@mikro-orm/core';
import { badInput, globalIdOf, idempotentList, localIdOf, notFound, requireSignedIn } from '@lilong/kit';
import { lilongError, tryParseGlobalId } from '@lilong/schema';
import type { GraphQLError } from 'graphql';
import { requireMerchantOf } from '../access';
import type { ShopsContext } from '../loaders';
import { Product } from '../product/product.entity';
import type { Shop } from '../shop/shop.entity';
import { StockChangeKind } from './stock-change.entity';
import { recordStockChange, stockLevels } from './stock-change.service';
import { MAX_STOCK_ROWS, readStockCsv, type ProductRef } from './stock-csv';
import type { ImportStockCsvInput, UpdateStockInput } from './stock.inputs';
import { forgetStale, refuseInput } from './stock.service';
import {
  deltaValueProblem,
  n,
  normalReason,
  onHandValueProblem,
  planStockOp,
  problem,
  reasonProblem,
  type StockOp,
  type StockProblem,
} from './stock.rules';

/** Where a change came from, to say which one is wrong: an item of a batch, or a line of a CSV file. */
type Place = { index: number; productId: string } | { line: number };

interface PlacedProblem extends StockProblem {
  place: Place;
}

interface PendingChange {
  place: Place;
  product: ProductRef;
  op: StockOp;
  reason: string | null;
}

const placed = (place: Place, p: StockProblem): PlacedProblem => ({ place, ...p });
const placeLabel = (place: Place) => ('line' in place ? `line ${place.line}` : `item ${place.index} (${place.productId})`);
const placeLabelZh = (place: Place) => ('line' in place ? `第 ${place.line} 行` : `第 ${place.index} 项（${place.productId}）`);
const order = (place: Place) => ('line' in place ? place.line : place.index);

/** How many problems the error message spells out; `extensions.problems` always lists them all. */
const PROBLEMS_IN_MESSAGE = 10;

/**
 * One error for every bad item or row, each listed in `extensions.problems`. A batch whose only problems are
 * stale versions is a CONFLICT (reload and try again); anything else is BAD_USER_INPUT.
 */
function refusal(what: 'batch' | 'csv', problems: PlacedProblem[]): GraphQLError {
  problems.sort((a, b) => order(a.place) - order(b.place));
  const count = problems.length;
  const shown = problems.slice(0, PROBLEMS_IN_MESSAGE);
  const more = count - shown.length;
  const [noun, nounZh, outcome, outcomeZh] =
    what === 'csv'
      ? [count === 1 ? 'bad row' : 'bad rows', '行有误', 'nothing was imported', '未导入任何内容']
      : [count === 1 ? 'bad item' : 'bad items', '项有误', 'nothing was changed', '未做任何更改'];
  const en =
    `${count} ${noun}, ${outcome}: ` +
    shown.map((p) => `${placeLabel(p.place)}: ${p.en.replace(/\.$/, '')}`).join('; ') +
    (more > 0 ? `; and ${more} more (extensions.problems lists them all).` : '.');
  const zh =
    `${count} ${nounZh}，${outcomeZh}：` +
    shown.map((p) => `${placeLabelZh(p.place)}：${p.zh.replace(/。$/, '')}`).join('；') +
    (more > 0 ? `；另有 ${more} 处（完整列表见 extensions.problems）。` : '。');
  const code = what === 'batch' && problems.every((p) => p.code === 'CONFLICT') ? 'CONFLICT' : 'BAD_USER_INPUT';
  return lilongError(code, { en, zh }, {
    argument: what === 'csv' ? 'input.csv' : 'input.items',
    problems: problems.map((p) => ({
      ...('line' in p.place ? { line: p.place.line } : { index: p.place.index, productId: p.place.productId }),
      code: p.code,
      message: p.en,
      messageZh: p.zh,
    })),
  });
}

async function shopOfMerchant(ctx: ShopsContext, shopId: string): Promise<Shop> {
  requireSignedIn(ctx.claims);
  const localId = localIdOf(ctx.community, shopId, 'Shop', 'input.shopId');
  requireMerchantOf(ctx, localId);
  const shop = await ctx.loaders.shop.load(localId);
  if (!shop) throw notFound('Shop', shopId);
  return shop;
}

/** The mutation a batch comes from, for its idempotency key: a replay of the same input changes nothing. */
interface Request {
  operation: 'updateStock' | 'importStockCsv';
  input: UpdateStockInput | ImportStockCsvInput;
}

/**
 * Applies `pending` to the products of `shop` in one transaction, or nothing: checks every change against the
 * locked rows and throws one error listing the problems found here and the `early` ones found before.
 */
async function applyToShop(
  ctx: ShopsContext,
  request: Request,
  shop: Shop,
  kind: StockChangeKind,
  pending: PendingChange[],
  early: PlacedProblem[],
  what: 'batch' | 'csv',
): Promise<Product[]> {
  const shopId = globalIdOf(ctx.community, 'Shop', shop.localId);
  const { operation, input } = request;
  const products = await idempotentList(ctx, input.idempotencyKey, operation, input, Product, async (em) => {
    const problems = [...early];

    // Names to rows, when the file names products by name (read without lock: only the ids matter here).
    const byName = new Map<string, Product[]>();
    if (pending.some((c) => !('localId' in c.product))) {
      for (const product of await em.find(Product, { shop: { localId: shop.localId } }, { orderBy: { localId: 'asc' } })) {
        byName.set(product.name, [...(byName.get(product.name) ?? []), product]);
      }
    }
    const resolved: { change: PendingChange; localId: number }[] = [];
    for (const change of pending) {
      const ref = change.product;
      if ('localId' in ref) {
        resolved.push({ change, localId: ref.localId });
        continue;
      }
      const named = byName.get(ref.name) ?? [];
      if (named.length === 1) resolved.push({ change, localId: named[0]!.localId });
      else if (named.length === 0) {
        problems.push(placed(change.place, problem('BAD_USER_INPUT',
          `${shop.name} has no product named "${ref.name}" (names must match exactly; or use a product_id column).`,
          `${shop.name} 没有名为 "${ref.name}" 的商品（名称须完全一致；也可改用 "product_id"（商品编号）列）。`)));
      } else {
        const ids = named.map((p) => globalIdOf(ctx.community, 'Product', p.localId)).join(', ');
        problems.push(placed(change.place, problem('BAD_USER_INPUT',
          `${named.length} products of ${shop.name} are named "${ref.name}" (${ids}); name the one you mean by product_id.`,
          `${shop.name} 有 ${named.length} 个商品名为 "${ref.name}"（${ids}），请用 "product_id"（商品编号）指明。`)));
      }
    }

    // One change per product: two in one batch would leave the result to their order.
    const firstPlace = new Map<number, Place>();
    const unique: typeof resolved = [];
    for (const r of resolved) {
      const seen = firstPlace.get(r.localId);
      if (!seen) {
        firstPlace.set(r.localId, r.change.place);
        unique.push(r);
        continue;
      }
      const id = globalIdOf(ctx.community, 'Product', r.localId);
      problems.push(placed(r.change.place, problem('BAD_USER_INPUT',
        `${id} is already changed by ${placeLabel(seen)}; give each product once.`,
        `${id} 已在${placeLabelZh(seen)}中修改；每个商品只能出现一次。`)));
    }

    // Lock this shop's rows, in id order.
    const ids = [...firstPlace.keys()].sort((a, b) => a - b);
    const locked = ids.length === 0
      ? []
      : await em.find(Product, { localId: { $in: ids }, shop: { localId: shop.localId } }, { lockMode: LockMode.PESSIMISTIC_WRITE, orderBy: { localId: 'asc' }, refresh: true });
    const byId = new Map(locked.map((p) => [p.localId, p]));
    const missing = ids.filter((id) => !byId.has(id));
    const elsewhere = new Set(missing.length === 0 ? [] : (await em.find(Product, { localId: { $in: missing } })).map((p) => p.localId));

    const plan: { product: Product; onHand: number; change: PendingChange }[] = [];
    for (const { change, localId } of unique) {
      const id = globalIdOf(ctx.community, 'Product', localId);
      const product = byId.get(localId);
      if (!product) {
        problems.push(placed(change.place, elsewhere.has(localId)
          ? problem('BAD_USER_INPUT', `${id} is a product of another shop, not of ${shop.name} (${shopId}).`, `${id} 是其他商户的商品，不属于 ${shop.name}（${shopId}）。`)
          : problem('NOT_FOUND', `no product has the ID ${id}.`, `找不到编号为 ${id} 的商品。`)));
        continue;
      }
      const ref = change.product;
      if ('localId' in ref && ref.name !== undefined && ref.name !== product.name) {
        problems.push(placed(change.place, problem('BAD_USER_INPUT',
          `${id} is "${product.name}", but the name column says "${ref.name}"; correct whichever is wrong.`,
          `${id} 是 "${product.name}"，但 "name"（商品名称）列写的是 "${ref.name}"，请更正。`)));
        continue;
      }
      const planned = planStockOp(product, change.op);
      if ('problem' in planned) {
        const p = planned.problem;
        problems.push(placed(change.place, { ...p, en: `${product.name}: ${p.en}`, zh: `${product.name}：${p.zh}` }));
      } else plan.push({ product, onHand: planned.onHand, change });
    }
    if (problems.length > 0) throw refusal(what, problems);

    const now = new Date();
    for (const { product, onHand, change } of plan) {
      const before = stockLevels(product);
      product.setOnHand(onHand, now);
      recordStockChange(em, product, { community: ctx.community, kind, actor: ctx.claims.actor, before, after: stockLevels(product), reason: change.reason });
    }
    return resolved.map((r) => byId.get(r.localId)!);
  });
  forgetStale(ctx, products);
  return products;
}

/** Many changes to one shop's stock, all applied or none. */
export async function updateStock(ctx: ShopsContext, input: UpdateStockInput): Promise<Product[]> {
  const shop = await shopOfMerchant(ctx, input.shopId);
  if (input.items.length === 0 || input.items.length > MAX_STOCK_ROWS) {
    throw badInput('input.items', `must hold from 1 to ${n(MAX_STOCK_ROWS)} items, got ${n(input.items.length)}.`, `须包含 1 到 ${n(MAX_STOCK_ROWS)} 项，收到 ${n(input.items.length)} 项。`);
  }
  refuseInput('input.reason', reasonProblem(input.reason));
  const batchReason = normalReason(input.reason);
  const early: PlacedProblem[] = [];
  const pending: PendingChange[] = [];
  input.items.forEach((item, index) => {
    const place: Place = { index, productId: item.productId };
    const refuse = (p: StockProblem) => early.push(placed(place, p));
    const parsed = tryParseGlobalId(item.productId);
    const local = parsed ? Number(parsed.localId) : NaN;
    if (!parsed || parsed.type !== 'Product' || !Number.isSafeInteger(local) || local <= 0) {
      return refuse(problem('BAD_USER_INPUT', `"${item.productId}" is not a product ID (like "${ctx.community}:Product:12").`, `"${item.productId}" 不是商品编号（形如 "${ctx.community}:Product:12"）。`));
    }
    if (parsed.community !== ctx.community) {
      return refuse(problem('NOT_FOUND', `${item.productId} is a product of another community (${parsed.community}), not of this shop.`, `${item.productId} 是其他社区（${parsed.community}）的商品，不属于本店。`));
    }
    const hasOnHand = item.onHand != null;
    const hasDelta = item.delta != null;
    if (hasOnHand === hasDelta) {
      return refuse(problem('BAD_USER_INPUT',
        hasOnHand ? 'give onHand or delta, not both.' : 'give onHand (a new count, with expectedVersion) or delta (a change).',
        hasOnHand ? '新的数量（onHand）与变动数量（delta）只能给一个。' : '请给出新的数量（onHand，并附版本号 expectedVersion）或变动数量（delta）。'));
    }
    const valueProblem = hasOnHand ? onHandValueProblem(item.onHand!) : deltaValueProblem(item.delta!);
    if (valueProblem) return refuse(valueProblem);
    if (hasOnHand && item.expectedVersion == null) {
      return refuse(problem('BAD_USER_INPUT',
        'onHand needs expectedVersion (the Stock.version the count was made against), so that a change made meanwhile is not overwritten.',
        '新的数量（onHand）须附版本号（expectedVersion，即清点时看到的 Stock.version），以免覆盖他人同时做出的修改。'));
    }
    const reasonRefused = reasonProblem(item.reason);
    if (reasonRefused) return refuse(reasonRefused);
    pending.push({
      place,
      product: { localId: local, id: item.productId },
      op: hasOnHand
        ? { kind: 'set', onHand: item.onHand!, expectedVersion: item.expectedVersion }
        : { kind: 'adjust', delta: item.delta!, expectedVersion: item.expectedVersion },
      reason: normalReason(item.reason) ?? batchReason,
    });
  });
  return applyToShop(ctx, { operation: 'updateStock', input }, shop, StockChangeKind.BATCH, pending, early, 'batch');
}

/** A stocktake from a CSV file: every row's count applied, or none. The format is in `stock-csv.ts`. */
export async function importStockCsv(ctx: ShopsContext, input: ImportStockCsvInput): Promise<Product[]> {
  const shop = await shopOfMerchant(ctx, input.shopId);
  refuseInput('input.reason', reasonProblem(input.reason));
  const read = readStockCsv(input.csv, ctx.community);
  if ('refused' in read) throw lilongError('BAD_USER_INPUT', { en: `input.csv: ${read.refused.en}`, zh: `input.csv：${read.refused.zh}` }, { argument: 'input.csv', problems: [] });
  const early = read.problems.map(({ line, ...p }) => placed({ line }, p));
  if (read.rows.length === 0 && early.length === 0) {
    throw badInput('input.csv', 'there are no rows below the header: nothing to import.', '表头下没有数据行：没有可导入的内容。');
  }
  const batchReason = normalReason(input.reason);
  const pending: PendingChange[] = read.rows.map((row) => ({
    place: { line: row.line },
    product: row.product,
    op: { kind: 'set', onHand: row.onHand, expectedVersion: row.expectedVersion },
    reason: row.reason ?? batchReason,
  }));
  return applyToShop(ctx, { operation: 'importStockCsv', input }, shop, StockChangeKind.CSV_IMPORT, pending, early, 'csv');
}

