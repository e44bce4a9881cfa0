import { globalIdOf } from '@lilong/kit';
import { Arg, Ctx, Directive, Field, FieldResolver, ID, Int, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { Community } from '../community/community.type';
import type { WebhookContext } from '../loaders';
import { WebhookEndpoint } from './endpoint.entity';
import { PauseWebhookInput, RegisterWebhookInput, ReplayWebhookInput, WebhookEndpointInput } from './endpoint.inputs';
import { listEndpoints, pauseWebhook, registerWebhook, removeWebhook, replayWebhook, resumeWebhook, rotateWebhookSecret } from './endpoint.service';

@ObjectType({ description: 'An endpoint with its signing secret: the answer to registering it or rotating its secret, the only place the secret is shown.' })
export class WebhookRegistration {
  @Field(() => WebhookEndpoint)
  endpoint!: WebhookEndpoint;

  @Field({
    description:
      'The signing secret, `whsec_` + base64 of 32 random bytes (Standard Webhooks): verify every delivery with it. Keep it: it is never shown again (rotateWebhookSecret makes a new one).',
  })
  secret!: string;
}

const withSecret = (endpoint: WebhookEndpoint): WebhookRegistration => ({ endpoint, secret: endpoint.secret });

@Resolver(() => WebhookEndpoint)
export class WebhookEndpointResolver {
  @FieldResolver(() => ID)
  id(@Root() endpoint: WebhookEndpoint, @Ctx() ctx: WebhookContext): string {
    return globalIdOf(ctx.community, 'WebhookEndpoint', endpoint.localId);
  }

  @FieldResolver(() => Community, { description: 'The community whose events it receives.' })
  community(@Ctx() ctx: WebhookContext): Community {
    return { code: ctx.community };
  }

  @FieldResolver(() => Int, { description: 'The last sequence number delivered or passed over (not of its types); the next delivery is the first event of its types after it.' })
  lastSequence(@Root() endpoint: WebhookEndpoint): number {
    return endpoint.cursor;
  }

  @FieldResolver(() => Date, { nullable: true, description: 'After a rotation: until when deliveries carry a signature with the previous secret too.' })
  previousSecretValidUntil(@Root() endpoint: WebhookEndpoint): Date | null {
    return endpoint.previousSecret && endpoint.previousSecretUntil && endpoint.previousSecretUntil > new Date() ? endpoint.previousSecretUntil : null;
  }

  @Query(() => [WebhookEndpoint], { description: "The community's webhook endpoints: a partner app's own, or every one for the community's committee staff." })
  @Directive('@routeBy(arg: "community")')
  webhookEndpoints(@Arg('community') community: string, @Ctx() ctx: WebhookContext): Promise<WebhookEndpoint[]> {
    return listEndpoints(ctx, community);
  }

  @Mutation(() => WebhookRegistration, {
    description:
      "Registers a partner app's endpoint for one community's events of the given types, from the next event on (partner apps). The answer holds the signing secret, shown only this once.",
  })
  @Directive('@routeBy(arg: "input.community")')
  async registerWebhook(@Arg('input') input: RegisterWebhookInput, @Ctx() ctx: WebhookContext): Promise<WebhookRegistration> {
    return withSecret(await registerWebhook(ctx, input));
  }

  @Mutation(() => WebhookEndpoint, { description: "Pauses deliveries; the events wait where the endpoint stopped (its partner app, or the community's committee)." })
  @Directive('@routeBy(arg: "input.endpointId")')
  pauseWebhook(@Arg('input') input: PauseWebhookInput, @Ctx() ctx: WebhookContext): Promise<WebhookEndpoint> {
    return pauseWebhook(ctx, input);
  }

  @Mutation(() => WebhookEndpoint, {
    description: "Resumes deliveries where the endpoint stopped (its partner app, or the community's committee; one the committee paused, only the committee).",
  })
  @Directive('@routeBy(arg: "input.endpointId")')
  resumeWebhook(@Arg('input') input: WebhookEndpointInput, @Ctx() ctx: WebhookContext): Promise<WebhookEndpoint> {
    return resumeWebhook(ctx, input);
  }

  @Mutation(() => WebhookEndpoint, { description: 'Delivers again from a sequence number: the endpoint goes on from there, in order (its partner app).' })
  @Directive('@routeBy(arg: "input.endpointId")')
  replayWebhook(@Arg('input') input: ReplayWebhookInput, @Ctx() ctx: WebhookContext): Promise<WebhookEndpoint> {
    return replayWebhook(ctx, input);
  }

  @Mutation(() => WebhookRegistration, {
    description: 'Makes a new signing secret, shown only in this answer; for 24 hours deliveries are signed with the old one too (its partner app).',
  })
  @Directive('@routeBy(arg: "input.endpointId")')
  async rotateWebhookSecret(@Arg('input') input: WebhookEndpointInput, @Ctx() ctx: WebhookContext): Promise<WebhookRegistration> {
    return withSecret(await rotateWebhookSecret(ctx, input));
  }

  @Mutation(() => WebhookEndpoint, { description: 'Removes the endpoint: nothing is delivered to it again (its partner app).' })
  @Directive('@routeBy(arg: "input.endpointId")')
  removeWebhook(@Arg('input') input: WebhookEndpointInput, @Ctx() ctx: WebhookContext): Promise<WebhookEndpoint> {
    return removeWebhook(ctx, input);
  }
}
