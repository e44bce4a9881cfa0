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
}

@InputType()
export class SetStockInput {
  @Field(() => ID)
  productId!: string;

  @Field(() => Int, { description: 'Units now on the shelf.' })
  onHand!: number;

  @Field(() => Int, {
    nullable: true,
    description: 'The stock version the merchant last saw; when given and stale, the update is refused with CONFLICT.',
  })
  expectedVersion?: number | null;
}
