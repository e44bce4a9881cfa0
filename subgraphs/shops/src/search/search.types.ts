import { Field, Int, ObjectType } from 'type-graphql';
import { Product } from '../product/product.entity';
import { Shop } from '../shop/shop.entity';

@ObjectType({ description: 'A product found in the sub-district, with where it is and how to get the next page.' })
export class ProductHit {
  @Field(() => Product)
  product!: Product;

  @Field(() => Shop)
  shop!: Shop;

  @Field(() => Int, { description: 'Price per unit in fen: the sort key of the price search.' })
  priceFen!: number;

  @Field(() => Int, { nullable: true, description: 'From the compound gate, in metres: the sort key of the nearby search.' })
  distanceMeters?: number | null;

  @Field(() => Int, { description: 'Units that can still be ordered.' })
  available!: number;

  @Field({ description: 'Pass as `after` to get the results that follow this one.' })
  cursor!: string;
}
