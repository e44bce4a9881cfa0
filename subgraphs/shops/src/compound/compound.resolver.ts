import { Arg, Ctx, Directive, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import type { ShopsContext } from '../loaders';
import { Shop } from '../shop/shop.entity';
import { nearbyShops, shopsInCompound } from './compound.service';
import { Compound, type CompoundRepresentation } from './compound.type';
import { NearbyShop } from './nearby-shop.type';

@Resolver(() => Compound)
export class CompoundResolver {
  @FieldResolver(() => [Shop], { description: 'Shops standing in the compound, by name.' })
  shops(@Root() compound: CompoundRepresentation, @Ctx() ctx: ShopsContext): Promise<Shop[]> | Shop[] {
    return shopsInCompound(ctx, compound);
  }

  @FieldResolver(() => [NearbyShop], {
    nullable: true,
    description: 'Shops of every community within reach of the compound gate, nearest first.',
  })
  @Directive('@requires(fields: "lat lng")')
  @Directive('@fanout(sortBy: "distanceMeters", order: "ASC", limitArg: "first")')
  nearbyShops(
    @Root() compound: CompoundRepresentation,
    @Arg('first', () => Int, { defaultValue: 10 }) first: number,
    @Arg('withinMeters', () => Int, { defaultValue: 3000, description: 'Radius around the compound gate, in metres.' })
    withinMeters: number,
    @Ctx() ctx: ShopsContext,
  ): Promise<NearbyShop[]> {
    return nearbyShops(ctx, compound, first, withinMeters);
  }
}
