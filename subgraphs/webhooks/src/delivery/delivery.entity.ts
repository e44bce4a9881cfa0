import { BigIntType, Entity, Enum, Index, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import type { EventType } from '@lilong/schema';
import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { EventTypeEnum } from '../endpoint/endpoint.entity';

/** What came of one attempt, for the endpoint. */
export enum DeliveryOutcome {
  DELIVERED = 'DELIVERED',
  RETRY_SCHEDULED = 'RETRY_SCHEDULED',
  ENDPOINT_PAUSED = 'ENDPOINT_PAUSED',
  SUPERSEDED = 'SUPERSEDED',
}

registerEnumType(DeliveryOutcome, {
  name: 'WebhookDeliveryOutcome',
  description: 'What came of one delivery attempt',
  valuesConfig: {
    DELIVERED: { description: 'Answered with a 2xx: the endpoint moves on to its next event 已送达' },
    RETRY_SCHEDULED: { description: 'Failed; the same event is tried again at nextAttemptAt, later events wait 失败，稍后重试' },
    ENDPOINT_PAUSED: { description: 'Failed once too often: the endpoint was paused 失败次数过多，已暂停' },
    SUPERSEDED: {
      description: 'The endpoint was replayed or paused while this attempt was under way: recorded, but it moved nothing 投递期间已重放或暂停，仅记录',
    },
  },
});

/** One attempt to deliver one event to one endpoint 投递记录: the delivery log, kept 7 days. */
@ObjectType({ description: 'One attempt to deliver an event to a webhook endpoint 投递记录 (kept 7 days).' })
@Entity({ tableName: 'delivery' })
@Index({ properties: ['endpointId', 'localId'] })
@Index({ properties: ['attemptedAt'] })
export class WebhookDelivery {
  [OptionalProps]?: 'localId' | 'httpStatus' | 'error' | 'nextAttemptAt';

  @PrimaryKey({ fieldName: 'id', autoincrement: true })
  localId!: number;

  /** Local ID of the endpoint. */
  @Property({ type: 'int' })
  endpointId!: number;

  @Field(() => Int, { description: "The event's sequence number in its community." })
  @Property({ type: new BigIntType('number') })
  sequence!: number;

  @Field(() => EventTypeEnum)
  @Property({ type: 'text' })
  eventType!: EventType;

  @Field(() => Int, { description: 'Which attempt at this event it was, from 1 (counted again after a success, a replay or a resume).' })
  @Property({ type: 'int' })
  attempt!: number;

  @Field({ description: 'When the attempt started.' })
  @Property({ type: 'timestamptz' })
  attemptedAt!: Date;

  @Field(() => Int, { description: 'How long it took, in ms, until the answer was read (or the attempt gave up).' })
  @Property({ type: 'int' })
  durationMs!: number;

  @Field(() => Int, { nullable: true, description: 'The HTTP status the endpoint answered with; null when none came (no connection, timeout).' })
  @Property({ type: 'int', nullable: true })
  httpStatus: number | null = null;

  @Field(() => String, { nullable: true, description: 'What went wrong, e.g. "HTTP 500", "timeout after 10000 ms"; null when delivered.' })
  @Property({ type: 'text', nullable: true })
  error: string | null = null;

  @Field(() => DeliveryOutcome)
  @Enum({ items: () => DeliveryOutcome, nativeEnumName: 'webhook_delivery_outcome' })
  outcome!: DeliveryOutcome;

  @Field(() => Date, { nullable: true, description: 'When the event is tried again, after a failed attempt.' })
  @Property({ type: 'timestamptz', nullable: true })
  nextAttemptAt: Date | null = null;
}
