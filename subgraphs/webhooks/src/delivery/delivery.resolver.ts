import { globalIdOf } from '@lilong/kit';
import { eventIdOf } from '@lilong/schema';
import { Arg, Ctx, Directive, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { listDeliveries } from '../endpoint/endpoint.service';
import type { WebhookContext } from '../loaders';
import { WebhookDelivery } from './delivery.entity';

@Resolver(() => WebhookDelivery)
export class WebhookDeliveryResolver {
  @FieldResolver(() => ID)
  id(@Root() delivery: WebhookDelivery, @Ctx() ctx: WebhookContext): string {
    return globalIdOf(ctx.community, 'WebhookDelivery', delivery.localId);
  }

  @FieldResolver(() => ID, { description: 'The event delivered, `<community>:<sequence>`: the `webhook-id` header, the same on every attempt and replay.' })
  eventId(@Root() delivery: WebhookDelivery, @Ctx() ctx: WebhookContext): string {
    return eventIdOf(ctx.community, delivery.sequence);
  }

  @Query(() => [WebhookDelivery], {
    description: "An endpoint's delivery log 投递记录, newest attempt first, each attempt with its HTTP status or error (its partner app, or the community's committee). Kept 7 days.",
  })
  @Directive('@routeBy(arg: "endpointId")')
  webhookDeliveries(
    @Arg('endpointId', () => ID) endpointId: string,
    @Arg('first', () => Int, { defaultValue: 50, description: '1-200.' }) first: number,
    @Ctx() ctx: WebhookContext,
  ): Promise<WebhookDelivery[]> {
    return listDeliveries(ctx, endpointId, first);
  }
}
