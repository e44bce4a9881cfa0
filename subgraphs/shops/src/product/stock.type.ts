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

  @Field({ description: 'Few enough left to restock: available <= Product.lowStockThreshold.' })
  low!: boolean;

  @Field(() => Int, {
    description: 'Changes with every stock change; quote it back as setStock(expectedVersion), so a change made elsewhere meanwhile is not overwritten.',
  })
  version!: number;

  @Field()
  updatedAt!: Date;
}

export function stockOf(product: Product): Stock {
  return {
    onHand: product.onHand,
    reserved: product.reserved,
    available: product.available,
    low: product.lowStock,
    version: product.stockVersion,
    updatedAt: product.stockUpdatedAt,
  };
}
