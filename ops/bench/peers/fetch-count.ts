/**
 * How many community fetches the hub sends per client request, measured rather than assumed: a probe hub (not the
 * one under load) is pointed at counting HTTP proxies in front of the nodes, and each query is sent a few times, one
 * at a time (nothing in flight to merge). The proxies count the GraphQL requests that reach each node's subgraph
 * paths, leaving out the hub's schema checks (`_service`).
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { SHARDED_SUBGRAPHS, subgraphPath } from '@lilong/schema';
import { entryArgs, startProcess, stopProcess, hubEnv, writeDirectory, type Build, type RunningNode } from './layout';

const SUBGRAPH_PATHS = new Map(SHARDED_SUBGRAPHS.map((name) => [subgraphPath(name), name]));

interface CountingProxy {
  server: Server;
  url: string;
  /** Requests by `community/subgraph`. */
  counts: Map<string, number>;
}

function countingProxy(community: string, target: string): Promise<CountingProxy> {
  const counts = new Map<string, number>();
  const upstream = new URL(target);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const subgraph = SUBGRAPH_PATHS.get((req.url ?? '').split('?')[0]!);
      if (subgraph && req.method === 'POST' && !body.includes('_service')) counts.set(`${community}/${subgraph}`, (counts.get(`${community}/${subgraph}`) ?? 0) + 1);
      const forward = httpRequest({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      forward.on('error', (error) => res.writeHead(502).end(error.message));
      forward.end(body);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, counts, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })));
}

export interface FetchCounts {
  /** Community fetches per client request, by query name. */
  perRequest: Record<string, number>;
  /** The same by `community/subgraph`, per request. */
  bySubgraph: Record<string, Record<string, number>>;
}

/** Sends each query `times` times through a probe hub over `nodes` and counts the fetches that reach the nodes. */
export async function countFetches(options: {
  nodes: readonly RunningNode[];
  queries: readonly { name: string; text: string }[];
  build: Build;
  hubPrivateKeyFile: string;
  runDir: string;
  label: string;
  times?: number;
}): Promise<FetchCounts> {
  const times = options.times ?? 5;
  const proxies = await Promise.all(options.nodes.map((n) => countingProxy(n.community.code, n.url)));
  let hub: Awaited<ReturnType<typeof startProcess>> | undefined;
  try {
    const directoryFile = await writeDirectory(
      path.join(options.runDir, `directory-probe-${options.label}.json`),
      options.nodes.map((n, i) => ({ ...n, url: proxies[i]!.url })),
    );
    hub = await startProcess(`probe hub (${options.label})`, entryArgs(options.build, 'hub'), path.join(options.runDir, `hub-probe-${options.label}.log`), {
      ...hubEnv({ directoryFile, hubPrivateKeyFile: options.hubPrivateKeyFile, mergeInflight: false }),
      PORT: '0',
      HOST: '127.0.0.1',
    });
    const result: FetchCounts = { perRequest: {}, bySubgraph: {} };
    for (const q of options.queries) {
      // Once first: the hub verifies each node on its first request, and that must not be counted.
      await send(`${hub.url}/graphql`, q.text, q.name);
      for (const p of proxies) p.counts.clear();
      for (let i = 0; i < times; i += 1) await send(`${hub.url}/graphql`, q.text, q.name);
      const all = new Map<string, number>();
      for (const p of proxies) for (const [k, v] of p.counts) all.set(k, v);
      result.perRequest[q.name] = [...all.values()].reduce((a, b) => a + b, 0) / times;
      result.bySubgraph[q.name] = Object.fromEntries([...all].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, v / times]));
    }
    return result;
  } finally {
    if (hub) await stopProcess(hub.child);
    await Promise.all(proxies.map((p) => new Promise((r) => p.server.close(r))));
  }
}

async function send(url: string, query: string, name: string): Promise<void> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
  const answer = (await response.json()) as { errors?: unknown[] };
  if (response.status !== 200 || answer.errors) throw new Error(`probe: ${name} answered HTTP ${response.status} ${JSON.stringify(answer.errors ?? '').slice(0, 300)}`);
}
