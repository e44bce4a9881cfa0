import { Field, Int, ObjectType } from 'type-graphql';
import type { Product } from './product.entity';

@ObjectType({ description: "A product's stock as the merchant last set it." })
export class Stock {
  @Field(() => Int, { description: 'Units on the shelf.' })
  onHand!: number;

  @Field(() => Int, { description: 'Units promised to accepted orders.' })
  reserved!: number;

  @Field(() => Int, { description: 'Units that can still be ordered: onHand - reserved, never below 0.' })
  available!: number;

  @Field(() => Int, { description: 'Changes with every stock update; quote it back as setStock(expectedVersion).' })
  version!: number;

  @Field()
  updatedAt!: Date;
}

export function stockOf(product: Product): Stock {
  return {
    onHand: product.onHand,
    reserved: product.reserved,
    available: product.available,
    version: product.stockVersion,
    updatedAt: product.stockUpdatedAt,
  };
}
