import { IDEMPOTENCY_KEY_DESCRIPTION } from '@lilong/kit';
import { Field, ID, InputType, Int } from 'type-graphql';

@InputType()
export class AddProductInput {
  @Field(() => ID)
  shopId!: string;

  @Field()
  name!: string;

  @Field({ description: 'Unit the price is for, e.g. "袋", "kg", "盒".' })
  unit!: string;

  @Field(() => Int, { description: 'Price per unit in fen (1/100 yuan).' })
  priceFen!: number;

  @Field(() => Int, { defaultValue: 1, description: 'Units per pack.' })
  packSize!: number;

  @Field(() => Int, { nullable: true, description: 'Most units one household may take in one order; null or absent: no limit.' })
  householdLimit?: number | null;

  @Field(() => Int, { defaultValue: 0, description: 'Stock counts as low when available <= this.' })
  lowStockThreshold!: number;

  @Field(() => String, { nullable: true, description: IDEMPOTENCY_KEY_DESCRIPTION })
  idempotencyKey?: string | null;
}

/** Only the fields given change; `householdLimit: null` removes the limit. */
@InputType({ description: 'Changes to a product; fields left out stay as they are.' })
export class UpdateProductInput {
  @Field(() => ID)
  productId!: string;

  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'Unit the price is for, e.g. "袋", "kg", "盒".' })
  unit?: string | null;

  @Field(() => Int, { nullable: true, description: 'Price per unit in fen (1/100 yuan).' })
  priceFen?: number | null;

  @Field(() => Int, { nullable: true, description: 'Units per pack.' })
  packSize?: number | null;

  @Field(() => Int, { nullable: true, description: 'Most units one household may take in one order; null removes the limit.' })
  householdLimit?: number | null;

  @Field(() => Int, { nullable: true, description: 'Stock counts as low when available <= this.' })
  lowStockThreshold?: number | null;

  @Field(() => String, { nullable: true, description: IDEMPOTENCY_KEY_DESCRIPTION })
  idempotencyKey?: string | null;
}
