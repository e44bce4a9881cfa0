/**
 * The hub's metrics, on its own registry, and what it observes of each call to a community node: a counter and a
 * latency histogram per community, subgraph and outcome, with (tracing on) a client span whose `traceparent` goes
 * in the call's headers, as does the request ID. Communities come from the directory, subgraphs from the schema
 * and outcomes from a closed list, so the series stay bounded. The state of each community's link and the open
 * subscriptions are read when scraped.
 */
import { context, SpanKind, trace, type Span } from '@opentelemetry/api';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { performance } from 'node:perf_hooks';
import { createRegistry, LATENCY_BUCKETS, OperationLabels, RequestMetrics } from './metrics';
import { currentRequest, REQUEST_ID_HEADER } from './request-context';
import { failSpan, injectTraceHeaders, NO_TRACING, type Tracing } from './tracing';

export const HUB_METRICS_PREFIX = 'lilong_hub_';

/** Every state a community's link can be in (CommunityLinks.status), for the state gauge. */
export const LINK_STATES = ['ACTIVE', 'SUSPENDED', 'UNAVAILABLE', 'REFUSED', 'UNVERIFIED'] as const;

/** One call to a node as it is observed: headers to send with it, then how it ended (exactly once). */
export interface ObservedFetch {
  readonly headers: Record<string, string>;
  answered(): void;
  /** `reason`: TIMEOUT, CONNECTION_FAILED, ... (CommunityLinks' UnavailableReason), or ERROR. */
  failed(reason: string): void;
}

/** What CommunityLinks tells about its calls. */
export interface LinkObserver {
  fetching(community: string, subgraph: string, url: string): ObservedFetch;
}

/** Observes nothing (a CommunityLinks outside a hub: tools, tests of routing alone). */
export const NO_LINK_OBSERVER: LinkObserver = {
  fetching: () => ({ headers: {}, answered: () => undefined, failed: () => undefined }),
};

export interface HubMetricsSources {
  /** The communities of the directory now. */
  communities: () => readonly string[];
  status: (community: string) => string;
  openSubscriptions: () => number;
  tracing?: Tracing;
  /** @default false (see RegistryOptions.processMetrics) */
  processMetrics?: boolean;
}

export class HubMetrics implements LinkObserver {
  readonly registry: Registry;
  private readonly requests: RequestMetrics<'operation'>;
  private readonly operations = new OperationLabels();
  private readonly fetches: Counter<'community' | 'subgraph' | 'outcome'>;
  private readonly fetchDuration: Histogram<'community' | 'subgraph' | 'outcome'>;
  private readonly tracing: Tracing;

  constructor(sources: HubMetricsSources) {
    this.tracing = sources.tracing ?? NO_TRACING;
    this.registry = createRegistry({ prefix: HUB_METRICS_PREFIX, processMetrics: sources.processMetrics });
    const registers = [this.registry];
    this.requests = new RequestMetrics(this.registry, HUB_METRICS_PREFIX, ['operation'], 'GraphQL requests the hub');
    this.fetches = new Counter({
      name: `${HUB_METRICS_PREFIX}community_fetches_total`,
      help: 'Calls the hub made to community nodes, by community, subgraph (or access, relay, events) and outcome (ok, TIMEOUT, CONNECTION_FAILED, CIRCUIT_OPEN, BAD_RESPONSE, ...).',
      labelNames: ['community', 'subgraph', 'outcome'],
      registers,
    });
    this.fetchDuration = new Histogram({
      name: `${HUB_METRICS_PREFIX}community_fetch_duration_seconds`,
      help: 'How long calls to community nodes took, by community, subgraph and outcome, in seconds.',
      labelNames: ['community', 'subgraph', 'outcome'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    new Gauge({
      name: `${HUB_METRICS_PREFIX}community_circuit_open`,
      help: "1 while a community's circuit is open (the hub fails its calls fast after repeated failures), else 0.",
      labelNames: ['community'],
      registers,
      collect() {
        this.reset();
        for (const code of sources.communities()) this.set({ community: code }, sources.status(code) === 'UNAVAILABLE' ? 1 : 0);
      },
    });
    new Gauge({
      name: `${HUB_METRICS_PREFIX}community_state`,
      help: "1 for the state each community's link is in now (ACTIVE, SUSPENDED, UNAVAILABLE, REFUSED, UNVERIFIED), 0 for the others.",
      labelNames: ['community', 'state'],
      registers,
      collect() {
        this.reset();
        for (const code of sources.communities()) {
          const now = sources.status(code);
          for (const state of LINK_STATES) this.set({ community: code, state }, state === now ? 1 : 0);
        }
      },
    });
    new Gauge({
      name: `${HUB_METRICS_PREFIX}open_subscriptions`,
      help: 'Subscriptions open now, over SSE and WebSocket together.',
      registers,
      collect() {
        this.set(sources.openSubscriptions());
      },
    });
  }

  /** One GraphQL request served: its operation as the client named it (capped here), `outcome` ok or a code. */
  observeRequest(operation: string | undefined, outcome: string, seconds: number): void {
    this.requests.observe({ operation: this.operations.label(operation) }, outcome, seconds);
  }

  fetching(community: string, subgraph: string, url: string): ObservedFetch {
    const started = performance.now();
    const headers: Record<string, string> = {};
    const requestId = currentRequest()?.requestId;
    if (requestId) headers[REQUEST_ID_HEADER] = requestId;
    // A span only inside a traced request: the relay's sweeps and event polls would otherwise each start a trace.
    let span: Span | undefined;
    const parent = context.active();
    if (this.tracing.enabled && trace.getSpan(parent)) {
      const { host, port } = new URL(url);
      span = this.tracing.tracer.startSpan(
        `POST ${subgraph}`,
        {
          kind: SpanKind.CLIENT,
          attributes: {
            'http.request.method': 'POST',
            'url.full': url,
            'server.address': host.replace(/:\d+$/, ''),
            ...(port ? { 'server.port': Number(port) } : {}),
            'lilong.community': community,
            'lilong.subgraph': subgraph,
          },
        },
        parent,
      );
      injectTraceHeaders(headers, trace.setSpan(parent, span));
    }
    let ended = false;
    const end = (outcome: string) => {
      if (ended) return;
      ended = true;
      const labels = { community, subgraph, outcome };
      this.fetches.inc(labels);
      this.fetchDuration.observe(labels, (performance.now() - started) / 1000);
      if (span) {
        if (outcome !== 'ok') failSpan(span, outcome);
        span.end();
      }
    };
    return { headers, answered: () => end('ok'), failed: (reason) => end(reason) };
  }
}
