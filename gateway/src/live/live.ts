import { inConsumerSpan, NO_TRACING, type Caller, type Logger, type Tracing } from '@lilong/kit/src/hub';
import { lilongError, parseEventId, tryParseGlobalId, type LiveEvent } from '@lilong/schema';
import { GraphQLError, Kind, type DocumentNode, type ExecutionResult, type FieldNode, type GraphQLFormattedError, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { getArgumentValues } from 'graphql/execution/values';
import type { Directory } from '../directory/directory';
import { Channel } from './channel';
import { EventQuery, type RunQuery } from './event-query';
import type { Followers, FollowerSignal } from './follower';
import { asSpec, COMMUNITY_FIELD, follows, MERGED_SUBSCRIPTIONS, SUBSCRIPTIONS, type MergedSubscriptionSpec, type SubscriptionSpec } from './specs';

/** What one subscription needs from the hub: who asks, and how their queries run. */
export interface LiveContext extends Record<PropertyKey, unknown> {
  caller: Caller;
  /** A query through the hub's normal path, as this caller (authorization, routing, community errors). */
  run: RunQuery;
}

export interface LiveOptions {
  /** Most results kept for a subscriber that reads slower than events come; past it the subscription ends. @default 1000 */
  bufferedResults: number;
}

export const DEFAULT_LIVE_OPTIONS: LiveOptions = { bufferedResults: 1000 };

const refusal = (error: GraphQLError | GraphQLFormattedError): ExecutionResult => ({ data: null, errors: [error instanceof GraphQLError ? error : new GraphQLError(error.message, { extensions: error.extensions, path: error.path })] });

/**
 * The hub's subscriptions: checks a subscription like any query of the same record (the subscriber must be able to
 * read it now), then follows the record's community stream from the subscriber's last event ID (or from now), and
 * resolves each event the subscription follows, one after the other, in sequence order. A community that cannot be
 * read yields a coded COMMUNITY_UNAVAILABLE on the stream, which stays open; its events follow, none skipped, once
 * the community answers again.
 */
export class LiveEvents {
  private readonly open = new Set<Channel<ExecutionResult>>();

  constructor(
    private readonly followers: Followers,
    private readonly directory: Directory,
    private readonly log: Logger,
    private readonly options: LiveOptions = DEFAULT_LIVE_OPTIONS,
    /** A span per event resolved for a subscriber (`live <field>`), the fetches it makes under it. */
    private readonly tracing: Tracing = NO_TRACING,
  ) {}

  /** How many subscriptions are open. */
  get openCount(): number {
    return this.open.size;
  }

  /** Ends every open subscription (the hub shutting down): each subscriber sees its stream complete. */
  close(): void {
    for (const channel of [...this.open]) channel.end();
  }

  /** Subscribes: a stream of results, or one result with the refusal. */
  async subscribe(args: { schema: GraphQLSchema; document: DocumentNode; operationName?: string | null; variableValues?: Record<string, unknown> | null; contextValue: LiveContext }): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
    const { schema, document, contextValue: context } = args;
    const operation = document.definitions.find(
      (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION && (args.operationName ? d.name?.value === args.operationName : true),
    );
    const root = operation?.selectionSet.selections.filter((s): s is FieldNode => s.kind === Kind.FIELD && s.name.value !== '__typename');
    if (!operation || operation.operation !== 'subscription' || !root || root.length !== 1) {
      return refusal(lilongError('BAD_USER_INPUT', { en: 'A subscription selects exactly one field of Subscription.', zh: '订阅须且只能选择 Subscription 的一个字段。' }));
    }
    const field = root[0]!;
    const merged = MERGED_SUBSCRIPTIONS.find((m) => m.field === field.name.value);
    const spec = SUBSCRIPTIONS.find((s) => s.field === field.name.value);
    const definition = schema.getSubscriptionType()?.getFields()[field.name.value];
    if ((!spec && !merged) || !definition) {
      return refusal(lilongError('BAD_USER_INPUT', { en: `Subscription.${field.name.value} is not served.`, zh: `不提供订阅 ${field.name.value}。` }));
    }
    const variables = args.variableValues ?? {};
    const values = getArgumentValues(definition, field, variables) as Record<string, unknown>;
    if (merged) return this.subscribeMerged(merged, values, new EventQuery(schema, document, operation, asSpec(merged), variables), context);
    const target = String(values[spec!.argument] ?? '');
    const community = spec!.subject === 'community' ? target : tryParseGlobalId(target)?.community;
    if (!community || !this.directory.get(community)) {
      return refusal(
        spec!.subject === 'community' || community
          ? unknownCommunity(community ?? target, spec!.argument)
          : lilongError('BAD_USER_INPUT', { en: `${spec!.argument} "${target}" is not an ID of this API.`, zh: `${spec!.argument}“${target}”不是有效的编号。` }, { argument: spec!.argument }),
      );
    }
    let after: number | undefined;
    if (values.after !== undefined && values.after !== null) {
      const parsed = parseEventId(String(values.after));
      if (!parsed || parsed.community !== community) {
        return refusal(
          lilongError(
            'BAD_USER_INPUT',
            { en: `after must be an event ID of ${community}'s stream, "${community}:<sequence>".`, zh: `after 须为${community}事件流中的事件编号，形如“${community}:<序号>”。` },
            { argument: 'after' },
          ),
        );
      }
      after = parsed.sequence;
    }
    // The same check as a query of the record: the subscriber must be able to read it now.
    const linked = spec!.subject === 'community' ? COMMUNITY_FIELD : spec!.linked;
    const check = await context.run(`query LiveAccess($v: ${linked.argumentType}) { record: ${linked.query}(${linked.argument}: $v) { __typename } }`, { v: target });
    if (check.errors?.length) return refusal(check.errors[0]!);
    if (!check.data?.record) {
      return refusal(lilongError('NOT_FOUND', { en: `Nothing found under ${target} to subscribe to.`, zh: `未找到 ${target}，无法订阅。` }, { argument: spec!.argument }));
    }
    const query = new EventQuery(schema, document, operation, spec!, variables);
    return this.follow(spec!, [{ target, community, after }], query, context);
  }

  /**
   * Several communities' streams on one (MERGED_SUBSCRIPTIONS): each named community must be in the directory and
   * readable by the subscriber now (one query for all of them), and each `after` must be of a named community, at
   * most one per community.
   */
  private async subscribeMerged(merged: MergedSubscriptionSpec, values: Record<string, unknown>, query: EventQuery, context: LiveContext): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
    const named = values.communities as string[] | null | undefined;
    const communities = [...new Set(named ?? this.directory.list().map((c) => c.code))];
    if (communities.length === 0) {
      return refusal(
        lilongError('BAD_USER_INPUT', { en: 'communities must name at least one community (leave it out for every community).', zh: 'communities 须至少列出一个社区（不填则为全部社区）。' }, { argument: 'communities' }),
      );
    }
    const unknown = communities.find((code) => !this.directory.get(code));
    if (unknown !== undefined) return refusal(unknownCommunity(unknown, 'communities'));
    const after = new Map<string, number>();
    for (const id of (values.after as string[] | null | undefined) ?? []) {
      const parsed = parseEventId(id);
      if (!parsed || !communities.includes(parsed.community) || after.has(parsed.community)) {
        return refusal(
          lilongError(
            'BAD_USER_INPUT',
            {
              en: `after must hold at most one event ID per community subscribed to, each "<community>:<sequence>"; "${id}" is not one.`,
              zh: `after 中每个所订阅的社区至多一个事件编号，形如“<社区>:<序号>”；“${id}”不符合。`,
            },
            { argument: 'after' },
          ),
        );
      }
      after.set(parsed.community, parsed.sequence);
    }
    const variables = Object.fromEntries(communities.map((code, i) => [`v${i}`, code]));
    const check = await context.run(
      `query LiveAccess(${communities.map((_, i) => `$v${i}: String!`).join(', ')}) { ${communities.map((_, i) => `c${i}: community(code: $v${i}) { __typename }`).join(' ')} }`,
      variables,
    );
    if (check.errors?.length) return refusal(check.errors[0]!);
    const missing = communities.find((_, i) => !check.data?.[`c${i}`]);
    if (missing !== undefined) return refusal(lilongError('NOT_FOUND', { en: `Nothing found under ${missing} to subscribe to.`, zh: `未找到 ${missing}，无法订阅。` }, { argument: 'communities' }));
    return this.follow(merged.of, communities.map((community) => ({ target: community, community, after: after.get(community) })), query, context);
  }

  /** One stream for the subscriber, fed by the streams of `targets` (one for a record, several when merged). */
  private async follow(spec: SubscriptionSpec, targets: { target: string; community: string; after: number | undefined }[], query: EventQuery, context: LiveContext): Promise<AsyncIterableIterator<ExecutionResult>> {
    const loops: FollowLoop[] = [];
    let stopped = false;
    const channel = new Channel<ExecutionResult>(
      () => {
        stopped = true;
        this.open.delete(channel);
        for (const loop of loops) {
          loop.unlisten?.();
          loop.wake?.();
        }
      },
      this.options.bufferedResults,
      () => {
        channel.push({ errors: [lilongError('SUBSCRIBER_TOO_SLOW', { en: 'This subscriber reads slower than events come; the subscription ends. Subscribe again with after: your last event ID.', zh: '订阅端读取速度跟不上事件，订阅已结束，请以最后收到的事件编号作为 after 重新订阅。' })] });
        channel.end();
      },
    );
    this.open.add(channel);
    for (const { target, community, after } of targets) {
      const loop: FollowLoop = {};
      loops.push(loop);
      await this.followInto(channel, loop, () => stopped, spec, target, community, after, query, context);
    }
    return channel;
  }

  /** Follows one community's stream into `channel` until `stopped()`, from `after` (or from where the stream is now). */
  private async followInto(
    channel: Channel<ExecutionResult>,
    loop: FollowLoop,
    stopped: () => boolean,
    spec: SubscriptionSpec,
    target: string,
    community: string,
    after: number | undefined,
    query: EventQuery,
    context: LiveContext,
  ): Promise<void> {
    const follower = this.followers.of(community);
    const signals: FollowerSignal[] = [];
    const notice = (signal: Extract<FollowerSignal, { kind: 'unavailable' }>): ExecutionResult => ({
      errors: [
        lilongError(
          'COMMUNITY_UNAVAILABLE',
          { en: `Community ${signal.community} cannot be read now (${signal.reason}); its events follow, none skipped, once it answers again.`, zh: `社区 ${signal.community} 暂时无法读取（${signal.reason}），恢复后将补发其间的事件，不会遗漏。` },
          { community: signal.community, reason: signal.reason },
        ),
      ],
    });
    loop.unlisten = await follower.listen((signal) => {
      signals.push(signal);
      loop.wake?.();
    });
    if (stopped()) loop.unlisten();
    // From the subscriber's last event, or from where the stream is now (known once the community has answered).
    let delivered: number | undefined = after ?? follower.position;
    const deliver = async (event: LiveEvent) => {
      if (delivered === undefined || event.sequence <= delivered) return;
      delivered = event.sequence;
      if (!follows(spec, target, event)) return;
      try {
        const attributes = { 'graphql.subscription.field': query.field, 'lilong.community': community, 'lilong.event.id': event.id, 'lilong.event.type': event.type };
        channel.push(await inConsumerSpan(this.tracing, `live ${query.field}`, attributes, () => query.resolve(event, context.run), (result) => firstCode(result)));
      } catch (error) {
        this.log.error('resolving a live event failed', error);
        channel.push({ errors: [lilongError('INTERNAL_SERVER_ERROR', { en: `Event ${event.id} could not be resolved.`, zh: `事件 ${event.id} 无法解析。` }, { eventId: event.id })] });
      }
    };
    const catchUp = async () => {
      const until = follower.position;
      if (until === undefined) return;
      if (delivered === undefined) delivered = until;
      if (delivered >= until) return;
      const from: number = delivered;
      const { events, oldest } = await follower.range(from, until);
      if (oldest > from + 1) {
        channel.push({
          errors: [
            lilongError(
              'EVENTS_PRUNED',
              { en: `Events of ${community} before ${community}:${oldest} are no longer kept; the stream resumes from there.`, zh: `${community} 在 ${community}:${oldest} 之前的事件已不再保留，从该处继续推送。` },
              { community, oldest: `${community}:${oldest}` },
            ),
          ],
        });
      }
      for (const event of events) await deliver(event);
    };
    void (async () => {
      let caughtUp = false;
      try {
        // Down before this subscriber came: no signal will say so, so say it now.
        if (follower.unavailable && !signals.some((s) => s.kind === 'unavailable')) channel.push(notice({ kind: 'unavailable', community, reason: 'UNAVAILABLE', detail: '' }));
        while (!stopped()) {
          if (!caughtUp && follower.position !== undefined) {
            try {
              await catchUp();
              caughtUp = true;
            } catch {
              // The community went down meanwhile: its 'unavailable' signal tells the subscriber; retried when back.
            }
          }
          const signal = signals.shift();
          if (!signal) {
            await new Promise<void>((resolve) => (loop.wake = resolve));
            loop.wake = undefined;
            continue;
          }
          if (signal.kind === 'unavailable') channel.push(notice(signal));
          else if (signal.kind === 'available') caughtUp = false;
          else if (caughtUp) await deliver(signal.event);
        }
      } catch (error) {
        this.log.error('a subscription failed', error);
        channel.end();
      }
    })();
  }
}

/** One community's part of a subscription: how to stop listening to it, and to wake its loop. */
interface FollowLoop {
  unlisten?: () => void;
  wake?: () => void;
}

const firstCode = (result: ExecutionResult): string | undefined => {
  const error = result.errors?.[0];
  return error ? String(error.extensions?.code ?? 'ERROR') : undefined;
};

const unknownCommunity = (code: string, argument: string) =>
  lilongError('UNKNOWN_COMMUNITY', { en: `No community "${code}" in this sub-district.`, zh: `本街道没有社区“${code}”。` }, { argument });
