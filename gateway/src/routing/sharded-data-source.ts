import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { GraphQLDataSourceRequestKind } from '@apollo/gateway/dist/datasources/types';
import { ANONYMOUS_CALLER, RELAY_EXTENSION, type Caller } from '@lilong/kit/src/hub';
import type { Relay } from '../relay/relay';
import type { RolesElsewhere } from './home-communities';
import { communityOfRoutingValue, parseGlobalId, type BilingualMessage, type ErrorCode, type ShardedSubgraphName } from '@lilong/schema';
import { FieldNode, GraphQLError, valueFromASTUntyped } from 'graphql';
import type { Directory } from '../directory/directory';
import { CommunityUnavailable, type CommunityLinks, type GraphQLResponseBody } from './community-links';
import { addSortKey, documentWithFields, entityFieldsByType, fieldsOn, parseFetch, responseKey, type ParsedFetch } from './documents';
import { mergeLists, stableKey, type Origin } from './merge';
import type { FieldRule, SubgraphRules } from './rules';
import { reasonZh, subgraphZh } from '../messages';
import { print } from 'graphql';

export interface HubContext {
  /** Who is calling, as the bearer token proved it, with the hub's own grants; nodes derive roles from it. */
  caller: Caller;
  /**
   * The caller's roles in other communities by those communities' records, asked at most once per community per
   * request (each node is told the roles of the others; it reads its own records itself).
   */
  rolesElsewhere?: RolesElsewhere;
  /** When the request's time budget runs out (ms since the epoch); later fetches are not sent. */
  deadline?: number;
}

/** The caller, with the per-request lookup of their roles in other communities. */
type RequestCaller = Caller & { elsewhere?: RolesElsewhere };

type ErrorEntry = NonNullable<GraphQLResponseBody['errors']>[number];
type Path = (string | number)[];

interface FanoutSelection {
  typeName: string;
  key: string;
  field: FieldNode;
  rule: Extract<FieldRule, { kind: 'fanout' }>;
}

type Analysis =
  | { kind: 'entities'; parsed: ParsedFetch; query: string; fanout: FanoutSelection[] }
  | { kind: 'root'; parsed: ParsedFetch; fields: { key: string; field: FieldNode; rule?: FieldRule }[] };

/**
 * Fetch analyses by query text; the planner reuses a small set of fetch documents. Bounded by the text's size
 * (an analysis holds about as much as its text), not by count, so a few huge fetches cannot pin memory.
 */
const ANALYSIS_CACHE_BYTES = 8 * 1024 * 1024;

function coded(code: ErrorCode, message: BilingualMessage, extensions: Record<string, unknown>, path?: Path): ErrorEntry {
  return { message: message.en, ...(path ? { path } : {}), extensions: { code, messageZh: message.zh, ...extensions } };
}

function fromGraphQLError(error: GraphQLError, path?: Path): ErrorEntry {
  return { message: error.message, ...(path ? { path } : {}), extensions: { ...error.extensions } };
}

/**
 * The hub's routing for one sharded subgraph: every fetch the query planner sends to `groups`, `shops` or
 * `volunteers` comes here, and goes to the community nodes the supergraph's routing rules name, one HTTP request
 * per community per fetch. Answers are merged back into the one answer the planner expects.
 */
export class ShardedDataSource implements GraphQLDataSource<HubContext> {
  private readonly analyses = new Map<string, Analysis>();
  private analysesBytes = 0;

  constructor(
    private readonly subgraph: ShardedSubgraphName,
    private readonly rules: SubgraphRules,
    private readonly directory: Directory,
    private readonly links: CommunityLinks,
    private readonly relay?: Relay,
  ) {}

  async process(options: GraphQLDataSourceProcessOptions<HubContext>): Promise<GatewayGraphQLResponse> {
    if (options.kind !== GraphQLDataSourceRequestKind.INCOMING_OPERATION) {
      return { errors: [new GraphQLError(`the ${this.subgraph} subgraph is sharded; it is composed from committed SDL`)] };
    }
    const caller: RequestCaller = { ...(options.context?.caller ?? ANONYMOUS_CALLER), elsewhere: options.context?.rolesElsewhere };
    const deadline = options.context?.deadline;
    if (deadline !== undefined && Date.now() >= deadline) return budgetExceeded(this.subgraph) as GatewayGraphQLResponse;
    const query = options.request.query ?? '';
    const variables = (options.request.variables ?? {}) as Record<string, unknown>;
    const analysis = this.analyze(query);
    const response =
      analysis.kind === 'entities'
        ? await this.entities(analysis, variables, caller)
        : await this.rootFields(analysis, variables, caller);
    return response as GatewayGraphQLResponse;
  }

  private analyze(query: string): Analysis {
    const cached = this.analyses.get(query);
    if (cached) return cached;
    const parsed = parseFetch(query);
    const rootFields = fieldsOn(parsed.operation.selectionSet, undefined, parsed.fragments);
    let analysis: Analysis;
    const entitiesField = rootFields.find((f) => f.name.value === '_entities');
    if (entitiesField) {
      const fanout: FanoutSelection[] = [];
      for (const [typeName, fields] of entityFieldsByType(parsed, entitiesField)) {
        for (const field of fields) {
          const rule = this.rules.fanoutEntityFields.get(`${typeName}.${field.name.value}`);
          if (rule?.kind !== 'fanout') continue;
          if (rule.sortBy) addSortKey(field, rule.sortBy);
          fanout.push({ typeName, key: responseKey(field), field, rule });
        }
      }
      analysis = { kind: 'entities', parsed, query: fanout.length > 0 ? print(parsed.document) : query, fanout };
    } else {
      const rootType = parsed.operation.operation === 'mutation' ? 'Mutation' : 'Query';
      const fields = rootFields.map((field) => {
        const rule = this.rules.root.get(`${rootType}.${field.name.value}`);
        if (rule?.kind === 'fanout' && rule.sortBy) addSortKey(field, rule.sortBy);
        return { key: responseKey(field), field, rule };
      });
      analysis = { kind: 'root', parsed, fields };
    }
    while (this.analyses.size > 0 && this.analysesBytes + query.length > ANALYSIS_CACHE_BYTES) {
      const oldest = this.analyses.keys().next().value as string;
      this.analyses.delete(oldest);
      this.analysesBytes -= oldest.length;
    }
    if (query.length <= ANALYSIS_CACHE_BYTES) {
      this.analyses.set(query, analysis);
      this.analysesBytes += query.length;
    }
    return analysis;
  }

  private unavailable(error: CommunityUnavailable, path?: Path): ErrorEntry {
    const name = this.directory.get(error.community)?.name ?? error.community;
    if (error.reason === 'SCHEMA_MISMATCH') {
      // One subgraph refused for its schema (community-links.ts `admit`): only its data is missing; `detail` says why.
      return coded(
        'COMMUNITY_UNAVAILABLE',
        {
          en: `Community ${error.community} (${name}) serves a ${this.subgraph} schema incompatible with the hub's (SCHEMA_MISMATCH): its ${this.subgraph} data is missing from this answer; its other data is not affected.`,
          zh: `社区 ${name}（编号 ${error.community}）的${subgraphZh(this.subgraph)}接口版本与枢纽不兼容（${reasonZh(error.reason)}），本次结果缺少其${subgraphZh(this.subgraph)}数据，其他数据不受影响。`,
        },
        { community: error.community, subgraph: this.subgraph, reason: error.reason, detail: error.message },
        path,
      );
    }
    return coded(
      'COMMUNITY_UNAVAILABLE',
      {
        en: `Community ${error.community} (${name}) is unavailable (${error.reason}): its ${this.subgraph} data is missing from this answer.`,
        zh: `社区 ${name}（编号 ${error.community}）暂时无法访问（${reasonZh(error.reason)}），本次结果缺少其${subgraphZh(this.subgraph)}数据。`,
      },
      { community: error.community, subgraph: this.subgraph, reason: error.reason },
      path,
    );
  }

  private async sendTo(
    community: string,
    query: string,
    variables: Record<string, unknown>,
    caller: RequestCaller,
    mutation = false,
  ): Promise<GraphQLResponseBody | CommunityUnavailable> {
    try {
      const { elsewhere, ...who } = caller;
      const told = who.identity && elsewhere ? await elsewhere.except(community) : { roles: [] };
      return await this.links.send(community, this.subgraph, { query, variables }, { ...who, ...told }, mutation);
    } catch (error) {
      if (error instanceof CommunityUnavailable) return error;
      throw error;
    }
  }

  /** Tags an error from a community with where it came from. */
  private tag(error: ErrorEntry, community: string, path?: Path): ErrorEntry {
    return { ...error, ...(path ? { path } : {}), extensions: { ...error.extensions, community } };
  }

  // ---- entity fetches -------------------------------------------------------------------------------------------

  private async entities(
    analysis: Extract<Analysis, { kind: 'entities' }>,
    variables: Record<string, unknown>,
    caller: RequestCaller,
  ): Promise<GraphQLResponseBody> {
    const representations = (variables.representations ?? []) as Record<string, unknown>[];
    const errors: ErrorEntry[] = [];
    // Each distinct representation once: the planner repeats them when many parents share one child.
    const uniqueIndex = new Map<string, number>();
    const unique: Record<string, unknown>[] = [];
    const toUnique = representations.map((rep) => {
      const key = stableKey(rep);
      let u = uniqueIndex.get(key);
      if (u === undefined) {
        uniqueIndex.set(key, (u = unique.length));
        unique.push(rep);
      }
      return u;
    });
    const owners = unique.map((rep, u) => {
      const owner = this.ownerOf(rep);
      if (typeof owner !== 'string') errors.push(...this.atUnique(owner, u, toUnique));
      return typeof owner === 'string' ? owner : undefined;
    });
    const results: unknown[] = unique.map(() => null);
    const { representations: _reps, ...otherVariables } = variables;

    if (analysis.fanout.length === 0) {
      const byCommunity = new Map<string, number[]>();
      owners.forEach((owner, u) => {
        if (owner) byCommunity.set(owner, [...(byCommunity.get(owner) ?? []), u]);
      });
      await Promise.all(
        [...byCommunity].map(async ([community, indices]) => {
          const answer = await this.sendTo(community, analysis.query, { ...otherVariables, representations: indices.map((u) => unique[u]) }, caller);
          if (answer instanceof CommunityUnavailable) {
            errors.push(this.unavailable(answer));
            return;
          }
          const entities = answer.data?._entities;
          if (Array.isArray(entities)) indices.forEach((u, j) => (results[u] = entities[j] ?? null));
          for (const error of answer.errors ?? []) {
            const local = this.entityIndex(error.path);
            if (local === undefined) errors.push(this.tag(error, community));
            else if (indices[local] !== undefined) errors.push(...this.atUnique(this.tag(error, community), indices[local], toUnique, error.path!.slice(2)));
          }
        }),
      );
    } else {
      const targets = this.directory.fanoutTargets();
      const valid = unique.map((_, u) => u).filter((u) => owners[u] !== undefined);
      const answers = await Promise.all(
        targets.map((community) => this.sendTo(community, analysis.query, { ...otherVariables, representations: valid.map((u) => unique[u]) }, caller)),
      );
      const perCommunity: (unknown[] | undefined)[] = answers.map((answer, c) => {
        if (answer instanceof CommunityUnavailable) {
          errors.push(this.unavailable(answer));
          return undefined;
        }
        for (const error of answer.errors ?? []) {
          const local = this.entityIndex(error.path);
          if (local === undefined || valid[local] === undefined) errors.push(this.tag(error, targets[c]!));
          // Inside a merged list the item index no longer holds; the error is kept at the field.
          else errors.push(...this.atUnique(this.tag(error, targets[c]!), valid[local]!, toUnique, error.path!.slice(2, 3)));
        }
        const entities = answer.data?._entities;
        return Array.isArray(entities) ? entities : undefined;
      });
      valid.forEach((u, j) => {
        const rep = unique[u]!;
        const ownerPosition = targets.indexOf(owners[u]!);
        const ownEntity = ownerPosition >= 0 ? (perCommunity[ownerPosition]?.[j] as Record<string, unknown> | null | undefined) : undefined;
        const anyAnswer = perCommunity.some((list) => list?.[j]);
        if (!ownEntity && !anyAnswer) return;
        const merged: Record<string, unknown> = { ...(ownEntity ?? { __typename: rep.__typename }) };
        for (const selection of analysis.fanout) {
          if (selection.typeName !== rep.__typename) continue;
          const lists = perCommunity.map((list) => (list?.[j] as Record<string, unknown> | null | undefined)?.[selection.key] as unknown[] | null | undefined);
          const limit = this.limitOf(selection.field, selection.rule, variables);
          merged[selection.key] = lists.every((l) => l === undefined || l === null) ? null : mergeLists(lists, selection.rule.sortBy, selection.rule.order, limit).items;
        }
        results[u] = merged;
      });
    }
    const distinct = analysis.fanout.length > 0 ? dedupe(errors) : errors;
    return { data: { _entities: representations.map((_, i) => results[toUnique[i]!] ?? null) }, ...(distinct.length ? { errors: distinct } : {}) };
  }

  /** The community owning a representation: its global `id`'s community, or its `code` for `Community`. */
  private ownerOf(rep: Record<string, unknown>): string | ErrorEntry {
    const key = rep.id ?? rep.code;
    const community = communityOfRoutingValue(key);
    if (!community) {
      return coded('BAD_USER_INPUT', { en: `Cannot route the ${String(rep.__typename)} reference "${String(key)}".`, zh: `无法路由 ${String(rep.__typename)} 引用 "${String(key)}"。` }, { subgraph: this.subgraph });
    }
    if (!this.directory.get(community)) return this.unknownCommunity(community);
    return community;
  }

  private unknownCommunity(community: string, path?: Path, extensions: Record<string, unknown> = {}): ErrorEntry {
    return coded(
      'UNKNOWN_COMMUNITY',
      { en: `There is no community "${community}" in this sub-district.`, zh: `本街道没有编号为 "${community}" 的社区。` },
      { community, ...extensions },
      path,
    );
  }

  private entityIndex(path: Path | undefined): number | undefined {
    return path && path[0] === '_entities' && typeof path[1] === 'number' ? path[1] : undefined;
  }

  /** Copies an error about one distinct representation to every position that repeated it. */
  private atUnique(error: ErrorEntry, u: number, toUnique: number[], rest: Path = []): ErrorEntry[] {
    const out: ErrorEntry[] = [];
    toUnique.forEach((v, i) => {
      if (v === u) out.push({ ...error, path: ['_entities', i, ...rest] });
    });
    return out;
  }

  private limitOf(field: FieldNode, rule: Extract<FieldRule, { kind: 'fanout' }>, variables: Record<string, unknown>): number {
    if (!rule.limitArg) return Number.POSITIVE_INFINITY;
    const arg = field.arguments?.find((a) => a.name.value === rule.limitArg);
    const value = arg ? valueFromASTUntyped(arg.value, variables) : rule.limitDefault;
    return typeof value === 'number' ? value : Number.POSITIVE_INFINITY;
  }

  // ---- root fields ----------------------------------------------------------------------------------------------

  private routeOf(field: FieldNode, rule: Extract<FieldRule, { kind: 'routeBy' }>, variables: Record<string, unknown>, key: string): string | ErrorEntry {
    return this.communityNamedBy(field, { arg: rule.arg, coordinate: rule.coordinate }, variables, key);
  }

  /**
   * The communities a fan-out field goes to: every one, those its scope argument names, or the neighbours of the
   * community an argument names.
   */
  private targetsOf(field: FieldNode, rule: Extract<FieldRule, { kind: 'fanout' }>, variables: Record<string, unknown>, key: string): string[] | ErrorEntry {
    if (rule.communitiesArg) {
      const arg = field.arguments?.find((a) => a.name.value === rule.communitiesArg);
      const named = arg ? valueFromASTUntyped(arg.value, variables) : undefined;
      if (named === undefined || named === null) return this.directory.fanoutTargets();
      if (!Array.isArray(named) || named.some((c) => typeof c !== 'string')) {
        return coded(
          'BAD_USER_INPUT',
          { en: `${rule.communitiesArg} must be a list of community codes.`, zh: `${rule.communitiesArg} 必须是社区编号的列表。` },
          { argument: rule.communitiesArg },
          [key],
        );
      }
      const unknown = (named as string[]).find((c) => !this.directory.get(c));
      if (unknown !== undefined) return this.unknownCommunity(unknown, [key], { argument: rule.communitiesArg });
      // Sorted like every fan-out: merges break ties by community code, which is what keeps paged cursors valid.
      return [...new Set(named as string[])].sort();
    }
    if (!rule.neighboursOf) return this.directory.fanoutTargets();
    const community = this.communityNamedBy(field, { arg: rule.neighboursOf, coordinate: rule.coordinate }, variables, key);
    if (typeof community !== 'string') return community;
    const open = new Set(this.directory.fanoutTargets());
    return [...new Set(this.directory.get(community)!.neighbours)].filter((c) => c !== community && open.has(c)).sort();
  }

  private communityNamedBy(field: FieldNode, rule: { arg: string; coordinate: string }, variables: Record<string, unknown>, key: string): string | ErrorEntry {
    const [head, ...rest] = rule.arg.split('.');
    const arg = field.arguments?.find((a) => a.name.value === head);
    let value: unknown = arg ? valueFromASTUntyped(arg.value, variables) : undefined;
    for (const part of rest) value = (value as Record<string, unknown> | null | undefined)?.[part];
    if (value === undefined || value === null || value === '') {
      return coded(
        'ROUTING_ARGUMENT_MISSING',
        { en: `${rule.coordinate} needs ${rule.arg} to know which community to ask.`, zh: `${rule.coordinate} 需要提供 ${rule.arg}，才能确定发往哪个社区。` },
        { argument: rule.arg },
        [key],
      );
    }
    const community = communityOfRoutingValue(value);
    if (!community) {
      try {
        parseGlobalId(value, undefined, rule.arg);
      } catch (error) {
        return fromGraphQLError(error as GraphQLError, [key]);
      }
    }
    if (!community || !this.directory.get(community)) return this.unknownCommunity(community ?? String(value), [key]);
    return community;
  }

  private async rootFields(
    analysis: Extract<Analysis, { kind: 'root' }>,
    variables: Record<string, unknown>,
    caller: RequestCaller,
  ): Promise<GraphQLResponseBody> {
    const isMutation = analysis.parsed.operation.operation === 'mutation';
    const data: Record<string, unknown> = {};
    const errors: ErrorEntry[] = [];
    const plan = new Map<string, FieldNode[]>();
    const assign = (community: string, field: FieldNode) => plan.set(community, [...(plan.get(community) ?? []), field]);
    const fanoutTargets = new Map<string, string[]>();
    for (const { key, field, rule } of analysis.fields) {
      if (field.name.value === '__typename') {
        data[key] = isMutation ? 'Mutation' : 'Query';
      } else if (!rule) {
        data[key] = null;
        errors.push(coded('INTERNAL_SERVER_ERROR', { en: `No routing rule for ${field.name.value}.`, zh: `${field.name.value} 没有路由规则。` }, {}, [key]));
      } else if (rule.kind === 'routeBy') {
        const route = this.routeOf(field, rule, variables, key);
        if (typeof route === 'string') assign(route, field);
        else {
          data[key] = null;
          errors.push(route);
        }
      } else {
        const targets = this.targetsOf(field, rule, variables, key);
        if (Array.isArray(targets)) {
          fanoutTargets.set(key, targets);
          for (const community of targets) assign(community, field);
        } else {
          data[key] = null;
          errors.push(targets);
        }
      }
    }
    const send = async ([community, fields]: [string, FieldNode[]]) => {
      const query = documentWithFields(analysis.parsed, fields);
      const answer = await this.sendTo(community, query, variables, caller, isMutation);
      // The node queued steps toward other communities (a borrowed volunteer's hold): carry them before answering.
      if (!(answer instanceof CommunityUnavailable) && answer.extensions?.[RELAY_EXTENSION] === true) await this.relay?.carry(community);
      return [community, fields, answer] as const;
    };
    // Mutations run one community after another, in the order the client wrote them.
    const answers = isMutation ? await sequential([...plan], send) : await Promise.all([...plan].map(send));
    const byCommunity = new Map(answers.map(([community, , answer]) => [community, answer]));

    for (const [community, fields, answer] of answers) {
      if (answer instanceof CommunityUnavailable) {
        const routed = fields.filter((f) => this.ruleOf(analysis, f)?.kind === 'routeBy');
        errors.push(this.unavailable(answer, routed.length === 1 ? [responseKey(routed[0]!)] : undefined));
        for (const f of routed) data[responseKey(f)] = null;
        continue;
      }
      for (const f of fields) {
        if (this.ruleOf(analysis, f)?.kind === 'routeBy') data[responseKey(f)] = answer.data?.[responseKey(f)] ?? null;
      }
      for (const error of answer.errors ?? []) {
        const head = error.path?.[0];
        const entry = analysis.fields.find((f) => f.key === head);
        if (entry?.rule?.kind !== 'fanout') errors.push(this.tag(error, community));
      }
    }
    for (const { key, field, rule } of analysis.fields) {
      if (rule?.kind !== 'fanout') continue;
      const targets = fanoutTargets.get(key);
      if (!targets) continue;
      const lists = targets.map((c) => {
        const answer = byCommunity.get(c);
        return answer instanceof CommunityUnavailable || !answer ? undefined : answer.data?.[key];
      });
      if (lists.some(Array.isArray) || lists.every((l) => l === undefined || l === null || Array.isArray(l))) {
        const merged = mergeLists(lists as (unknown[] | null | undefined)[], rule.sortBy, rule.order, this.limitOf(field, rule, variables));
        data[key] = merged.items;
        errors.push(...this.remapListErrors(targets, byCommunity, key, merged.origins));
      } else {
        data[key] = lists.find((l) => l !== undefined && l !== null) ?? null;
        targets.forEach((c) => {
          const answer = byCommunity.get(c);
          if (answer && !(answer instanceof CommunityUnavailable)) {
            for (const e of answer.errors ?? []) if (e.path?.[0] === key) errors.push(this.tag(e, c));
          }
        });
      }
    }
    return { data, ...(errors.length ? { errors } : {}) };
  }

  private ruleOf(analysis: Extract<Analysis, { kind: 'root' }>, field: FieldNode): FieldRule | undefined {
    return analysis.fields.find((f) => f.field === field)?.rule;
  }

  /** Errors inside a fan-out list, moved to the merged position of their item (dropped with a truncated item). */
  private remapListErrors(
    targets: string[],
    answers: Map<string, GraphQLResponseBody | CommunityUnavailable>,
    key: string,
    origins: Origin[],
  ): ErrorEntry[] {
    const out: ErrorEntry[] = [];
    targets.forEach((community, source) => {
      const answer = answers.get(community);
      if (!answer || answer instanceof CommunityUnavailable) return;
      for (const error of answer.errors ?? []) {
        if (error.path?.[0] !== key) continue;
        const index = error.path[1];
        if (typeof index !== 'number') {
          out.push(this.tag(error, community));
          continue;
        }
        const merged = origins.findIndex(([s, i]) => s === source && i === index);
        if (merged >= 0) out.push(this.tag(error, community, [key, merged, ...error.path.slice(2)]));
      }
    });
    return out;
  }
}

/** The answer for a fetch the request no longer has time for: no data, one coded error. */
function budgetExceeded(subgraph: ShardedSubgraphName): GraphQLResponseBody {
  return {
    data: null,
    errors: [
      coded(
        'REQUEST_BUDGET_EXCEEDED',
        { en: `The request ran out of time at the hub before asking ${subgraph}; that part is missing.`, zh: `请求在枢纽处已超出时间预算，${subgraphZh(subgraph)}数据未能获取。` },
        { subgraph },
      ),
    ],
  };
}

/**
 * A fan-out asks every community the same thing, so a refusal that depends only on the caller (FORBIDDEN,
 * UNAUTHENTICATED) comes back once per community: keep one per path, code and message.
 */
function dedupe(errors: ErrorEntry[]): ErrorEntry[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    if (e.extensions?.code === 'COMMUNITY_UNAVAILABLE') return true;
    const key = JSON.stringify([e.path ?? null, e.extensions?.code ?? null, e.message]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

async function sequential<T, R>(items: T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (const item of items) out.push(await fn(item));
  return out;
}
