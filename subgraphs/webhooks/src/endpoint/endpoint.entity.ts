import { ArrayType, BigIntType, Entity, Enum, Index, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { EVENT_TYPES, type EventType } from '@lilong/schema';
import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';

/**
 * The event types, as the hub's subgraph already names them (`EventType`, from the same `EVENT_TYPES`): composition
 * merges the two, so they must stay identical, and both are generated from that one list.
 */
export const EventTypeEnum = Object.fromEntries(Object.keys(EVENT_TYPES).map((name) => [name, name])) as { [K in EventType]: K };

registerEnumType(EventTypeEnum, {
  name: 'EventType',
  description: 'What a community node recorded as happening 事件类型.',
  valuesConfig: Object.fromEntries(Object.entries(EVENT_TYPES).map(([name, text]) => [name, { description: `${text.en} ${text.zh}` }])),
});

/** ACTIVE: delivered to. PAUSED: events wait (the cursor stays) until it is resumed. REMOVED: never delivered to again. */
export enum WebhookStatus {
  ACTIVE = 'ACTIVE',
  PAUSED = 'PAUSED',
  REMOVED = 'REMOVED',
}

registerEnumType(WebhookStatus, {
  name: 'WebhookStatus',
  description: 'Where a webhook endpoint stands',
  valuesConfig: {
    ACTIVE: { description: 'Events are delivered to it, in order 投递中' },
    PAUSED: { description: 'Nothing is delivered; its events wait from where it stopped until it is resumed 已暂停' },
    REMOVED: { description: 'Removed by its partner app; never delivered to again 已删除' },
  },
});

/** Who paused an endpoint: its partner app, the community's committee, or the node after repeated failures. */
export enum WebhookPausedBy {
  PARTNER = 'PARTNER',
  COMMITTEE = 'COMMITTEE',
  FAILURES = 'FAILURES',
}

registerEnumType(WebhookPausedBy, {
  name: 'WebhookPausedBy',
  description: 'Who paused a webhook endpoint',
  valuesConfig: {
    PARTNER: { description: 'Its partner app 合作应用暂停' },
    COMMITTEE: { description: "The community's residents' committee; only the committee resumes it 居委会暂停" },
    FAILURES: { description: 'The node, after repeated failed deliveries (see the delivery log) 多次投递失败后自动暂停' },
  },
});

/**
 * A partner app's webhook endpoint 合作应用回调地址 in this community: where the node POSTs the community's events of
 * the types asked for, one at a time, in sequence order, signed with the endpoint's secret (Standard Webhooks).
 * `cursor` is the last sequence number delivered (or passed over: of a type not asked for); the delivery state
 * (failed attempts, the next attempt, the lease of the node process delivering now) lives on the same row.
 */
@ObjectType({ description: "A partner app's webhook endpoint 回调地址 in one community: where the community's events of the chosen types are POSTed, signed, in order." })
@Entity({ tableName: 'endpoint' })
@Index({ properties: ['app'] })
@Index({ properties: ['status', 'nextAttemptAt'] })
export class WebhookEndpoint {
  [OptionalProps]?:
    | 'localId' | 'status' | 'pausedBy' | 'pausedAt' | 'pausedReason' | 'previousSecret' | 'previousSecretUntil' | 'generation' | 'failedAttempts'
    | 'failingSince' | 'nextAttemptAt' | 'leaseUntil' | 'leaseToken' | 'lastDeliveredAt' | 'removedAt';

  @PrimaryKey({ fieldName: 'id', autoincrement: true })
  localId!: number;

  @Field({ description: 'The partner app that registered it (its hub grant), the only one that may change it.' })
  @Property({ type: 'text' })
  app!: string;

  /** Who registered it (issuer#subject), for the committee's audit. */
  @Property({ type: 'text' })
  createdBy!: string;

  @Field({ description: 'Exactly where each delivery is POSTed (https; no redirect is followed).' })
  @Property({ type: 'text' })
  url!: string;

  @Field({ description: 'What the partner says it is for (shown to the community\'s committee).' })
  @Property({ type: 'text' })
  description!: string;

  @Field(() => [EventTypeEnum], { description: 'The event types delivered to it; others are passed over.' })
  @Property({ type: new ArrayType<string>(), columnType: 'text[]' })
  eventTypes!: EventType[];

  /** The signing secret, `whsec_...`; shown once, in the answer that made it. */
  @Property({ type: 'text' })
  secret!: string;

  /** The secret before the last rotation, still signing beside the new one until `previousSecretUntil`. */
  @Property({ type: 'text', nullable: true })
  previousSecret: string | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  previousSecretUntil: Date | null = null;

  @Field({ description: 'When the current secret was made (registration or the last rotation).' })
  @Property({ type: 'timestamptz' })
  secretIssuedAt!: Date;

  @Field(() => WebhookStatus)
  @Enum({ items: () => WebhookStatus, nativeEnumName: 'webhook_status', default: WebhookStatus.ACTIVE })
  status: WebhookStatus = WebhookStatus.ACTIVE;

  @Field(() => WebhookPausedBy, { nullable: true })
  @Enum({ items: () => WebhookPausedBy, nativeEnumName: 'webhook_paused_by', nullable: true })
  pausedBy: WebhookPausedBy | null = null;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  pausedAt: Date | null = null;

  @Field(() => String, { nullable: true, description: 'Why it was paused, as whoever paused it said (or the failures).' })
  @Property({ type: 'text', nullable: true })
  pausedReason: string | null = null;

  /** The last sequence number delivered or passed over; the next delivery is the first matching event after it. */
  @Property({ type: new BigIntType('number') })
  cursor!: number;

  /** Bumped whenever the cursor is moved by hand (a replay): an attempt in flight then records its outcome only. */
  @Property({ type: 'int', default: 0 })
  generation: number = 0;

  @Field(() => Int, { description: 'Failed attempts in a row on the event it is at (0: none failing).' })
  @Property({ type: 'int', default: 0 })
  failedAttempts: number = 0;

  @Field(() => Date, { nullable: true, description: 'When the first of the failed attempts in a row was made.' })
  @Property({ type: 'timestamptz', nullable: true })
  failingSince: Date | null = null;

  @Field(() => Date, { nullable: true, description: 'When the failing event is tried again (null: at once, when there is one).' })
  @Property({ type: 'timestamptz', nullable: true })
  nextAttemptAt: Date | null = null;

  /** Until when a node process holds the endpoint to deliver to it (two replicas never deliver to it at once). */
  @Property({ type: 'timestamptz', nullable: true })
  leaseUntil: Date | null = null;

  @Property({ type: 'text', nullable: true })
  leaseToken: string | null = null;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  lastDeliveredAt: Date | null = null;

  @Field()
  @Property({ type: 'timestamptz' })
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  removedAt: Date | null = null;
}
