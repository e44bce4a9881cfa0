/**
 * Other releases of the schema, for rolling-upgrade tests: a release's subgraph SDL is the committed SDL with some
 * edits, and its supergraph is composed from that with `@apollo/composition`, as a hub release ships it. A node on
 * another release is a real node behind `ReleaseProxy`, which serves that release's SDL to the hub's
 * `_service { sdl }` and passes every other request through untouched.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HUB_SUBGRAPH, SHARDED_SUBGRAPHS, subgraphPath, subgraphSdlPath, type ShardedSubgraphName } from '@lilong/schema';
import { Kind, parse, print, visit, type DocumentNode } from 'graphql';
import { composeSupergraph } from '../../../ops/src/generate';

export type SdlEdit = (sdl: string) => string;
export type ReleaseEdits = Partial<Record<ShardedSubgraphName, SdlEdit>>;

export interface Release {
  supergraphSdl: string;
  expectedSdl: ReadonlyMap<ShardedSubgraphName, string>;
}

const committed = (name: string) => readFileSync(subgraphSdlPath(name), 'utf8');

/** The committed subgraph SDL with `edits` applied, and the supergraph composed from it. */
export function release(edits: ReleaseEdits): Release {
  const expectedSdl = new Map(SHARDED_SUBGRAPHS.map((name) => [name, (edits[name] ?? ((s: string) => s))(committed(name))] as const));
  const supergraphSdl = composeSupergraph([...[...expectedSdl].map(([name, sdl]) => ({ name, sdl })), { name: HUB_SUBGRAPH, sdl: committed(HUB_SUBGRAPH) }]);
  return { supergraphSdl, expectedSdl };
}

function edited(sdl: string, edit: (document: DocumentNode) => DocumentNode): string {
  const before = parse(sdl);
  const after = edit(before);
  const out = print(after);
  if (out === print(before)) throw new Error('the SDL edit changed nothing: the fixture no longer matches the schema');
  return out;
}

/** Without one field of one type (an older release that did not have it yet). */
export const withoutField = (type: string, field: string): SdlEdit => (sdl) =>
  edited(sdl, (doc) =>
    visit(doc, {
      FieldDefinition(node, _key, _parent, _path, ancestors) {
        const owner = ancestors[ancestors.length - 1] as { kind?: string; name?: { value: string } };
        return owner?.name?.value === type && node.name.value === field ? null : undefined;
      },
    }),
  );

/** Without one value of an enum. */
export const withoutEnumValue = (type: string, value: string): SdlEdit => (sdl) =>
  edited(sdl, (doc) =>
    visit(doc, {
      EnumValueDefinition(node, _key, _parent, _path, ancestors) {
        const owner = ancestors[ancestors.length - 1] as { name?: { value: string } };
        return owner?.name?.value === type && node.name.value === value ? null : undefined;
      },
    }),
  );

/** One field of one type given another type (written as SDL, e.g. `Int`). */
export const withFieldType = (type: string, field: string, fieldType: string): SdlEdit => (sdl) =>
  edited(sdl, (doc) =>
    visit(doc, {
      FieldDefinition(node, _key, _parent, _path, ancestors) {
        const owner = ancestors[ancestors.length - 1] as { name?: { value: string } };
        if (owner?.name?.value !== type || node.name.value !== field) return undefined;
        const parsed = parse(`type X { x: ${fieldType} }`).definitions[0];
        return parsed?.kind === Kind.OBJECT_TYPE_DEFINITION ? { ...node, type: parsed.fields![0]!.type } : undefined;
      },
    }),
  );

/** A type's `@key(fields: from)` written `@key(fields: to)`. */
export const withKey = (type: string, from: string, to: string): SdlEdit => (sdl) =>
  edited(sdl, (doc) =>
    visit(doc, {
      ObjectTypeDefinition(node) {
        if (node.name.value !== type) return undefined;
        return {
          ...node,
          directives: node.directives?.map((d) =>
            d.name.value === 'key'
              ? { ...d, arguments: d.arguments?.map((a) => (a.name.value === 'fields' && a.value.kind === Kind.STRING && a.value.value === from ? { ...a, value: { ...a.value, value: to } } : a)) }
              : d,
          ),
        };
      },
    }),
  );

/**
 * A real node on another release, as the hub sees it: put its URL in the directory. `edits` change what the node
 * says its schema is (`_service { sdl }`); `missing` subgraphs answer 404, as a node of a release before them does.
 * Changing `edits` or `missing` is the node being upgraded (or fixed) in place.
 */
export class ReleaseProxy {
  edits: ReleaseEdits = {};
  missing = new Set<ShardedSubgraphName>();
  /** `_service { sdl }` questions answered, by subgraph. */
  readonly sdlAsked = new Map<string, number>();
  private server?: Server;

  constructor(private readonly target: () => string) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res).catch(() => res.destroy()));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const path = (req.url ?? '/').split('?')[0]!;
    const subgraph = SHARDED_SUBGRAPHS.find((name) => subgraphPath(name) === path);
    if (subgraph && this.missing.has(subgraph)) {
      const message = { en: `No subgraph at ${path}.`, zh: `路径 ${path} 上没有子图。` };
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: [{ message: message.en, extensions: { code: 'NOT_FOUND', messageZh: message.zh } }] }));
      return;
    }
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([k, v]) => typeof v === 'string' && !['host', 'content-length', 'connection'].includes(k))) as Record<string, string>;
    const answer = await fetch(`${this.target()}${req.url}`, { method: req.method, headers, body: req.method === 'GET' || req.method === 'HEAD' ? undefined : body });
    let text = await answer.text();
    const edit = subgraph ? this.edits[subgraph] : undefined;
    if (subgraph && isSdlQuestion(body)) {
      this.sdlAsked.set(subgraph, (this.sdlAsked.get(subgraph) ?? 0) + 1);
      if (edit) {
        const parsed = JSON.parse(text) as { data?: { _service?: { sdl?: string } } };
        if (typeof parsed.data?._service?.sdl === 'string') parsed.data._service.sdl = edit(parsed.data._service.sdl);
        text = JSON.stringify(parsed);
      }
    }
    res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' }).end(text);
  }
}

function isSdlQuestion(body: Buffer): boolean {
  try {
    return /_service\s*\{\s*sdl\s*\}/.test(String((JSON.parse(body.toString('utf8')) as { query?: unknown }).query ?? ''));
  } catch {
    return false;
  }
}
