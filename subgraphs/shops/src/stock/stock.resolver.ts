import { Arg, Ctx, Directive, FieldResolver, Int, Mutation, Resolver, Root } from 'type-graphql';
import type { ShopsContext } from '../loaders';
import { Product } from '../product/product.entity';
import { StockChange } from './stock-change.entity';
import { AdjustStockInput, ImportStockCsvInput, SetStockInput, UpdateStockInput } from './stock.inputs';
import { importStockCsv, updateStock } from './stock-batch.service';
import { adjustStock, MAX_HISTORY, setStock, stockHistory } from './stock.service';

const IMPORT_STOCK_CSV = `Sets the counts of many products of a shop from a CSV file, e.g. a stocktake exported from a spreadsheet (the shop's merchant). All rows are applied, or none.

Format: UTF-8, comma-separated, RFC 4180 quoting (a field may be in double quotes, and then hold commas and line breaks; a quote inside it is written ""), optional byte-order mark, CRLF or LF line ends; at most 5,000 rows and 1 MB. Line 1 is the header; columns in any order, names case-insensitive:
- product_id: the product's ID, e.g. "xinhua-1:Product:12"; or
- name: the product's name exactly as in the shop (a name two products share is refused: use product_id). With both columns, product_id decides and name must match it.
- on_hand (required): units now on the shelf, a whole number from 0 to 1,000,000, not below what is reserved for orders.
- expected_version (optional): the Stock.version the count was made against; a row whose stock changed since is refused. Empty: not checked.
- reason (optional): why, for the stock history; default: the input's reason.
Blank lines are skipped; each product at most once.

If any row is bad, nothing is applied and the error (BAD_USER_INPUT) lists every bad row in extensions.problems as { line, code, message }, lines counted from 1 with the header as line 1.

Example:
product_id,on_hand,expected_version,reason
xinhua-1:Product:12,36,4,
xinhua-1:Product:13,0,2,"sold out, 2 bags damaged"`;

@Resolver(() => Product)
export class StockResolver {
  @FieldResolver(() => [StockChange], {
    description: `Changes to the product's stock, newest first (the shop's merchant only). At most ${MAX_HISTORY}.`,
  })
  stockHistory(
    @Root() product: Product,
    @Arg('first', () => Int, { defaultValue: 20 }) first: number,
    @Ctx() ctx: ShopsContext,
  ): Promise<StockChange[]> {
    return stockHistory(ctx, product, first);
  }

  @Mutation(() => Product, {
    description:
      "Sets a product's shelf count after counting it (the shop's merchant), unless its stock changed since expectedVersion: then nothing changes and the answer is CONFLICT with the current count.",
  })
  @Directive('@routeBy(arg: "input.productId")')
  setStock(@Arg('input') input: SetStockInput, @Ctx() ctx: ShopsContext): Promise<Product> {
    return setStock(ctx, input);
  }

  @Mutation(() => Product, {
    description: "Adds units to a product's shelf or removes them, with a reason, e.g. a delivery or damaged goods (the shop's merchant).",
  })
  @Directive('@routeBy(arg: "input.productId")')
  adjustStock(@Arg('input') input: AdjustStockInput, @Ctx() ctx: ShopsContext): Promise<Product> {
    return adjustStock(ctx, input);
  }

  @Mutation(() => [Product], {
    description:
      "Changes the stock of many products of one shop at once, all or nothing (the shop's merchant). If any item is bad, nothing changes and the error lists every bad item in extensions.problems as { index, productId, code, message }; the error is CONFLICT when every problem is a stale expectedVersion, else BAD_USER_INPUT. Returns the products in the order of the items.",
  })
  @Directive('@routeBy(arg: "input.shopId")')
  updateStock(@Arg('input') input: UpdateStockInput, @Ctx() ctx: ShopsContext): Promise<Product[]> {
    return updateStock(ctx, input);
  }

  @Mutation(() => [Product], { description: `${IMPORT_STOCK_CSV}\n\nReturns the products in the order of the rows.` })
  @Directive('@routeBy(arg: "input.shopId")')
  importStockCsv(@Arg('input') input: ImportStockCsvInput, @Ctx() ctx: ShopsContext): Promise<Product[]> {
    return importStockCsv(ctx, input);
  }
}
