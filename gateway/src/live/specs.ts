import { EVENT_TYPES, type EventSubjects, type EventType, type LiveEvent } from '@lilong/schema';

/**
 * The hub's subscriptions, in one table: each follows one record's events in its community's stream, and resolves
 * the record itself through the normal federated query path (`query`), as the subscriber may see it. The hub
 * subgraph's SDL is written from this table, so a subscription and the way it is served never disagree.
 */
export interface LinkedField {
  /** The field of the event type, e.g. `pool`. */
  field: string;
  /** Its type in the API, e.g. `Pool`. */
  type: string;
  /** The root query field that fetches it, and its argument: `pool(id:)`, `community(code:)`. */
  query: string;
  argument: string;
  argumentType: string;
  /** The value to pass, from the event. */
  valueOf(event: LiveEvent): string | undefined;
  description: string;
}

export interface SubscriptionSpec {
  field: string;
  description: string;
  /** The argument naming what to follow, e.g. `poolId`, and the event subject it must equal. */
  argument: string;
  argumentType: 'ID!' | 'String!';
  subject: keyof EventSubjects | 'community';
  /** The event type name in the API, e.g. `PoolEvent`. */
  eventType: string;
  eventTypes: readonly EventType[];
  /** What the event links to besides its community. */
  linked: LinkedField;
}

/** Every event's `community`, fetched like a record: `community(code:)`. */
export const COMMUNITY_FIELD: LinkedField = {
  field: 'community',
  type: 'Community',
  query: 'community',
  argument: 'code',
  argumentType: 'String!',
  valueOf: (event) => event.community,
  description: 'The community whose node recorded it.',
};

const subjectField = (field: keyof EventSubjects, type: string, description: string): LinkedField => ({
  field,
  type,
  query: field,
  argument: 'id',
  argumentType: 'ID!',
  valueOf: (event) => event.subjects[field],
  description,
});

export const SUBSCRIPTIONS: readonly SubscriptionSpec[] = [
  {
    field: 'poolProgress',
    description: "A pool's progress 拼单进度: each change of its signed-up quantity (a sign-up in a joined order, a join, a leave) and its close, in commit order.",
    argument: 'poolId',
    argumentType: 'ID!',
    subject: 'pool',
    eventType: 'PoolEvent',
    eventTypes: ['POOL_PROGRESS', 'POOL_CLOSED'],
    linked: subjectField('pool', 'Pool', 'The pool as it is now, as the subscriber may see it.'),
  },
  {
    field: 'productStock',
    description: "A product's stock 库存: each change (a delivery, a count, a reservation, a release, a hand-over) and when it runs low, in commit order.",
    argument: 'productId',
    argumentType: 'ID!',
    subject: 'product',
    eventType: 'ProductEvent',
    eventTypes: ['STOCK_CHANGED', 'LOW_STOCK'],
    linked: subjectField('product', 'Product', 'The product as it is now.'),
  },
  {
    field: 'groupOrderStatus',
    description: "A group order's steps 团购进度: opened, sign-ups changed, formed or failed, handed over, in commit order.",
    argument: 'orderId',
    argumentType: 'ID!',
    subject: 'groupOrder',
    eventType: 'GroupOrderEvent',
    eventTypes: ['GROUP_ORDER_OPENED', 'SIGN_UPS_CHANGED', 'GROUP_ORDER_FORMED', 'GROUP_ORDER_FAILED', 'GROUP_ORDER_HANDED_OVER'],
    linked: subjectField('groupOrder', 'GroupOrder', 'The group order as it is now.'),
  },
  {
    field: 'careRequestStatus',
    description: "A care request's status 求助进度, for whoever may see the request (its household, their helper, dispatch): each change, in commit order.",
    argument: 'requestId',
    argumentType: 'ID!',
    subject: 'careRequest',
    eventType: 'CareRequestEvent',
    eventTypes: ['CARE_REQUEST_STATUS'],
    linked: subjectField('careRequest', 'CareRequest', 'The care request as it is now, as the subscriber may see it.'),
  },
  {
    field: 'communityNotices',
    description: "A community's new signed notices 居委通知, as the committee publishes them.",
    argument: 'community',
    argumentType: 'String!',
    subject: 'community',
    eventType: 'NoticeEvent',
    eventTypes: ['NOTICE_PUBLISHED'],
    linked: subjectField('notice', 'Notice', 'The notice, with its signature and the hub\'s verdict.'),
  },
];

/**
 * A subscription over several communities' streams at once: the events of `of`, merged on one stream, each
 * community's in its own order. `communities` defaults to every community the directory lists; `after` takes one
 * last event ID per community (`<community>:<sequence>`), so a subscriber resumes each stream where it left it.
 */
export interface MergedSubscriptionSpec {
  field: string;
  description: string;
  /** The one-community subscription whose events this one merges (its subject must be the community). */
  of: SubscriptionSpec;
}

const subscriptionOf = (field: string): SubscriptionSpec => SUBSCRIPTIONS.find((s) => s.field === field)!;

export const MERGED_SUBSCRIPTIONS: readonly MergedSubscriptionSpec[] = [
  {
    field: 'notices',
    description:
      "Several communities' new signed notices 居委通知 on one stream (the data console's feed): `communities` (every community of the directory when left out), `after`: the last event ID received of each community, `<community>:<sequence>` (each resumes after its own).",
    of: subscriptionOf('communityNotices'),
  },
];

/** The merged subscription as its one-community spec, under its own field name (how its events are resolved). */
export const asSpec = (merged: MergedSubscriptionSpec): SubscriptionSpec => ({ ...merged.of, field: merged.field });

export const linkedFieldsOf = (spec: SubscriptionSpec): readonly LinkedField[] => [COMMUNITY_FIELD, spec.linked];

/** Whether the event is one the subscription follows. */
export function follows(spec: SubscriptionSpec, target: string, event: LiveEvent): boolean {
  if (!spec.eventTypes.includes(event.type)) return false;
  return spec.subject === 'community' ? event.community === target : event.subjects[spec.subject] === target;
}

const quote = (text: string) => `"""${text.replace(/"""/g, '\\"""')}"""`;

/** The hub subgraph's part for live events: the event types, their records (as stubs) and the Subscription type. */
export function liveEventsSdl(): string {
  const stubs = [...new Set(SUBSCRIPTIONS.map((s) => s.linked.type))].filter((type) => type !== 'Notice');
  const eventTypes = Object.entries(EVENT_TYPES)
    .map(([name, text]) => `  ${quote(`${text.en} ${text.zh}`)}\n  ${name}`)
    .join('\n');
  const events = SUBSCRIPTIONS.map(
    (s) => `${quote(`An event of ${s.field}: where it stands in its community's stream, and the ${s.linked.field} it is about.`)}
type ${s.eventType} {
  ${quote("`<community>:<sequence>`: pass the last one received as `after` to resume with no gap and no repeat.")}
  id: ID!
  ${quote('Per community, from 1, gapless, in commit order.')}
  sequence: Int!
  type: EventType!
  ${quote('When the change was written, just before it committed (ISO 8601).')}
  at: String!
  ${quote('A few figures as they stood at the change (never a name or an address).')}
  figures: [EventFigure!]!
  ${quote(COMMUNITY_FIELD.description)}
  community: Community
  ${quote(s.linked.description)}
  ${s.linked.field}: ${s.linked.type}
}`,
  ).join('\n\n');
  const fields = SUBSCRIPTIONS.map(
    (s) =>
      `  ${quote(`${s.description} \`after\`: the last event ID received (resumes after it, with nothing missed or repeated while the community keeps it).`)}\n  ${s.field}(${s.argument}: ${s.argumentType}, after: ID): ${s.eventType}!`,
  )
    .concat(MERGED_SUBSCRIPTIONS.map((m) => `  ${quote(m.description)}\n  ${m.field}(communities: [String!], after: [ID!]): ${m.of.eventType}!`))
    .join('\n');
  return `${quote('What a community node recorded as happening 事件类型.')}
enum EventType {
${eventTypes}
}

${quote('A figure of an event as it stood at the change, e.g. available = 3.')}
type EventFigure {
  name: String!
  value: String
}

${stubs.map((type) => `type ${type} @key(fields: "id", resolvable: false) {\n  id: ID!\n}`).join('\n\n')}

${events}

${quote('Live events 实时事件, over GraphQL over SSE (POST /graphql/stream) or WebSocket (graphql-transport-ws at /graphql), with the same token and the same authorization as queries.')}
type Subscription {
${fields}
}
`;
}
