import { Field, Int, ObjectType } from 'type-graphql';
import { Shop } from '../shop/shop.entity';

@ObjectType({ description: 'A shop near a compound.' })
export class NearbyShop {
  @Field(() => Shop)
  shop!: Shop;

  @Field(() => Int, { description: 'Straight-line distance from the compound gate, in metres.' })
  distanceMeters!: number;
}
