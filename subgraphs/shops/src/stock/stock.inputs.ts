import { IDEMPOTENCY_KEY_DESCRIPTION } from '@lilong/kit';
import { Field, ID, InputType, Int } from 'type-graphql';

/** Kept for code that imports it from here; the kit owns the text. */
export { IDEMPOTENCY_KEY_DESCRIPTION };

@InputType()
export class SetStockInput {
  @Field(() => ID)
  productId!: string;

  @Field(() => Int, { description: 'Units now on the shelf, 0 to 1,000,000; not less than Stock.reserved.' })
  onHand!: number;

  @Field(() => Int, {
    description:
      'The Stock.version the count was made against. If the stock changed since (someone else counted or adjusted it), nothing is changed and the answer is CONFLICT with extensions.currentVersion and currentOnHand.',
  })
  expectedVersion!: number;

  @Field(() => String, { nullable: true, description: 'Why, for the stock history (at most 200 characters).' })
  reason?: string | null;

  @Field(() => String, { nullable: true, description: IDEMPOTENCY_KEY_DESCRIPTION })
  idempotencyKey?: string | null;
}

@InputType()
export class AdjustStockInput {
  @Field(() => ID)
  productId!: string;

  @Field(() => Int, {
    description: 'Units to add to the shelf (negative: to remove), not 0, at most 1,000,000 either way. The shelf may not go below Stock.reserved.',
  })
  delta!: number;

  @Field({ description: 'Why, for the stock history, e.g. "delivery from wholesaler", "3 bags damaged" (at most 200 characters).' })
  reason!: string;

  @Field(() => String, { nullable: true, description: IDEMPOTENCY_KEY_DESCRIPTION })
  idempotencyKey?: string | null;
}

@InputType({ description: 'One product of a batch: either a new count (onHand, with expectedVersion) or a change (delta).' })
export class StockItemInput {
  @Field(() => ID, { description: 'A product of the batch\'s shop; each product at most once per batch.' })
  productId!: string;

  @Field(() => Int, { nullable: true, description: 'Units now on the shelf; needs expectedVersion. Give onHand or delta, not both.' })
  onHand?: number | null;

  @Field(() => Int, { nullable: true, description: 'Units to add (negative: remove), not 0. Give onHand or delta, not both.' })
  delta?: number | null;

  @Field(() => Int, { nullable: true, description: 'The Stock.version the item was decided against: required with onHand, optional with delta.' })
  expectedVersion?: number | null;

  @Field(() => String, { nullable: true, description: "Why, for the stock history; defaults to the batch's reason." })
  reason?: string | null;
}

@InputType()
export class UpdateStockInput {
  @Field(() => ID)
  shopId!: string;

  @Field(() => [StockItemInput], { description: 'From 1 to 5,000 items.' })
  items!: StockItemInput[];

  @Field(() => String, { nullable: true, description: 'Why, for the stock history of every item without its own reason.' })
  reason?: string | null;

  @Field(() => String, { nullable: true, description: IDEMPOTENCY_KEY_DESCRIPTION })
  idempotencyKey?: string | null;
}

@InputType()
export class ImportStockCsvInput {
  @Field(() => ID)
  shopId!: string;

  @Field({ description: 'The file\'s content; see importStockCsv for the format.' })
  csv!: string;

  @Field(() => String, { nullable: true, description: 'Why, for the stock history of every row without its own reason, e.g. "stocktake 4 May".' })
  reason?: string | null;

  @Field(() => String, { nullable: true, description: IDEMPOTENCY_KEY_DESCRIPTION })
  idempotencyKey?: string | null;
}
