import { COMMUNITIES_ARG_DESCRIPTION, inScope } from '@lilong/kit';
import { Arg, Ctx, Directive, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import { Compound, type CompoundRepresentation } from '../compound/compound.type';
import type { ShopsContext } from '../loaders';
import { searchByPrice, searchNearby } from './search.service';
import { ProductHit } from './search.types';

@Resolver(() => Compound)
export class StockSearchResolver {
  @Query(() => [ProductHit], {
    description:
      'Products available in every community whose name or shop contains the text, cheapest first; pass the last cursor as `after` for the next page. A community that is down leaves the list partial, with an error naming it.',
  })
  @Directive('@fanout(sortBy: "priceFen", order: "ASC", limitArg: "first", communitiesArg: "communities")')
  searchStock(
    @Arg('text') text: string,
    @Arg('first', () => Int, { defaultValue: 20 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Arg('communities', () => [String], { nullable: true, description: COMMUNITIES_ARG_DESCRIPTION }) communities: string[] | null,
    @Ctx() ctx: ShopsContext,
  ): Promise<ProductHit[]> {
    if (!inScope(ctx.community, communities)) return Promise.resolve([]);
    return searchByPrice(ctx, text, first, after);
  }

  @FieldResolver(() => [ProductHit], {
    nullable: true,
    description: 'Products available in every community near this compound gate, nearest first; paged like searchStock.',
  })
  @Directive('@requires(fields: "lat lng")')
  @Directive('@fanout(sortBy: "distanceMeters", order: "ASC", limitArg: "first")')
  stockNearby(
    @Root() compound: CompoundRepresentation,
    @Arg('text') text: string,
    @Arg('first', () => Int, { defaultValue: 20 }) first: number,
    @Arg('withinMeters', () => Int, { defaultValue: 5000 }) withinMeters: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: ShopsContext,
  ): Promise<ProductHit[]> {
    return searchNearby(ctx, compound, text, first, withinMeters, after);
  }
}
