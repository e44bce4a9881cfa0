import { IDEMPOTENCY_KEY_DESCRIPTION } from '@lilong/kit';
import type { EventType } from '@lilong/schema';
import { Field, ID, InputType, Int } from 'type-graphql';
import { EventTypeEnum } from './endpoint.entity';

@InputType()
export class RegisterWebhookInput {
  @Field({ description: 'Community code: the community whose events the endpoint receives (register once per community).' })
  community!: string;

  @Field({ description: 'Where to POST the events: https://, at most 2000 characters, no user name or password in it.' })
  url!: string;

  @Field(() => [EventTypeEnum], { description: 'The event types to receive, at least one.' })
  eventTypes!: EventType[];

  @Field(() => String, { nullable: true, description: 'What it is for, at most 200 characters (the committee sees it).' })
  description?: string | null;

  @Field(() => String, { nullable: true, description: IDEMPOTENCY_KEY_DESCRIPTION })
  idempotencyKey?: string | null;
}

@InputType()
export class WebhookEndpointInput {
  @Field(() => ID)
  endpointId!: string;

  @Field(() => String, { nullable: true, description: IDEMPOTENCY_KEY_DESCRIPTION })
  idempotencyKey?: string | null;
}

@InputType()
export class PauseWebhookInput {
  @Field(() => ID)
  endpointId!: string;

  @Field(() => String, { nullable: true, description: 'Why, at most 200 characters (shown with the endpoint).' })
  reason?: string | null;

  @Field(() => String, { nullable: true, description: IDEMPOTENCY_KEY_DESCRIPTION })
  idempotencyKey?: string | null;
}

@InputType()
export class ReplayWebhookInput {
  @Field(() => ID)
  endpointId!: string;

  @Field(() => Int, {
    description:
      'The first sequence number to deliver (again): the endpoint goes on from there, in order, with the event types it asked for. At most the next sequence to come (the last one + 1); events older than the outbox keeps (7 days) are gone and passed over.',
  })
  fromSequence!: number;

  @Field(() => String, { nullable: true, description: IDEMPOTENCY_KEY_DESCRIPTION })
  idempotencyKey?: string | null;
}
