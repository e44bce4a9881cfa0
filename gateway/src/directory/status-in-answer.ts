import type { ApolloServerPlugin } from '@apollo/server';
import {
  getNamedType,
  Kind,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type FieldNode,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import type { CommunityLinks, LinkStatus } from '../routing/community-links';

const MARK = '__lilongCommunity';

interface Marks {
  /** Per injected alias: the response keys of `status` and `statusDetail` in that selection. */
  sets: { status: string[]; detail: string[] }[];
}

const rewritten = new WeakMap<DocumentNode, { document: DocumentNode; marks: Marks }>();

/**
 * Adds `__lilongCommunity<n>: code` to every selection on `Community` that asks for `status` or `statusDetail`,
 * so that the answer can name the community each status belongs to. Deterministic for a document, so the query
 * planner's cache (keyed by the query text) stays coherent.
 */
export function markCommunityStatus(schema: GraphQLSchema, document: DocumentNode): { document: DocumentNode; marks: Marks } {
  const known = rewritten.get(document);
  if (known) return known;
  const marks: Marks = { sets: [] };
  const typeInfo = new TypeInfo(schema);
  const out = visit(
    document,
    visitWithTypeInfo(typeInfo, {
      SelectionSet: {
        leave(node: SelectionSetNode) {
          const parent = typeInfo.getType();
          const type = parent ? getNamedType(parent) : typeInfo.getParentType();
          if (type?.name !== 'Community') return undefined;
          const fields = node.selections.filter((s): s is FieldNode => s.kind === Kind.FIELD);
          const keyOf = (f: FieldNode) => f.alias?.value ?? f.name.value;
          const status = fields.filter((f) => f.name.value === 'status').map(keyOf);
          const detail = fields.filter((f) => f.name.value === 'statusDetail').map(keyOf);
          if (status.length === 0 && detail.length === 0) return undefined;
          const alias = `${MARK}${marks.sets.length}`;
          marks.sets.push({ status, detail });
          const injected: FieldNode = { kind: Kind.FIELD, alias: { kind: Kind.NAME, value: alias }, name: { kind: Kind.NAME, value: 'code' } };
          return { ...node, selections: [...node.selections, injected] };
        },
      },
    }),
  );
  const result = { document: out, marks };
  rewritten.set(document, result);
  return result;
}

const STATUS_BY_REASON: Record<string, LinkStatus> = { SUSPENDED: 'SUSPENDED' };

/**
 * `Community.status` agrees with the data in the same answer. The hub's directory is asked before any community
 * (the planner fetches the community list first), so on its own the status would describe the moment before this
 * request's fetches. After them, a community that failed in this answer reads UNAVAILABLE (or DEGRADED, REFUSED, SUSPENDED),
 * and one that answered reads as the links see it now.
 */
export function communityStatusInAnswer(links: CommunityLinks, schema: () => GraphQLSchema | undefined): ApolloServerPlugin {
  return {
    async requestDidStart() {
      let marks: Marks | undefined;
      return {
        async didResolveOperation(context) {
          const apiSchema = schema();
          if (!apiSchema) return;
          const result = markCommunityStatus(apiSchema, context.document);
          if (result.marks.sets.length === 0) return;
          marks = result.marks;
          (context as { document: DocumentNode }).document = result.document;
        },
        async willSendResponse({ response }) {
          if (!marks || response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          const failed = failuresByCommunity(result.errors ?? []);
          settle(result.data, marks, (code) => {
            const failure = failed.get(code);
            // A subgraph refused for its schema degrades the community (or refuses it, all of them refused); the links say which.
            if (failure?.reason === 'SCHEMA_MISMATCH') {
              const status = links.status(code);
              return { status: status === 'REFUSED' ? status : 'DEGRADED', detail: links.lastError(code) ?? failure.message };
            }
            if (failure) return { status: STATUS_BY_REASON[failure.reason] ?? 'UNAVAILABLE', detail: failure.message };
            const status = links.status(code);
            return { status, detail: status === 'ACTIVE' ? null : (links.lastError(code) ?? null) };
          });
        },
      };
    },
  };
}

function failuresByCommunity(errors: readonly GraphQLFormattedError[]): Map<string, { reason: string; message: string }> {
  const out = new Map<string, { reason: string; message: string }>();
  for (const error of errors) {
    const ext = error.extensions ?? {};
    if (ext.code === 'COMMUNITY_UNAVAILABLE' && typeof ext.community === 'string' && !out.has(ext.community)) {
      out.set(ext.community, { reason: String(ext.reason ?? ''), message: error.message });
    }
  }
  return out;
}

function settle(value: unknown, marks: Marks, statusOf: (code: string) => { status: string; detail: string | null }): void {
  if (Array.isArray(value)) {
    for (const item of value) settle(item, marks, statusOf);
    return;
  }
  if (!value || typeof value !== 'object') return;
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (key.startsWith(MARK)) {
      const set = marks.sets[Number(key.slice(MARK.length))];
      const code = record[key];
      delete record[key];
      if (!set || typeof code !== 'string') continue;
      const { status, detail } = statusOf(code);
      for (const k of set.status) if (k in record && record[k] !== null) record[k] = status;
      for (const k of set.detail) if (k in record) record[k] = detail;
    } else {
      settle(record[key], marks, statusOf);
    }
  }
}
