/**
 * The part of the kit the hub uses: who a caller is, the hub assertion, HTTP answers, logs, metrics and traces,
 * document limits and the broker's subjects. Not the kit's index, which also brings the node's ORM, job runner,
 * outbox and subgraph server (about 1,900 modules the hub never runs): the hub imports `@lilong/kit/src/hub`.
 */
export * from './auth/keys';
export * from './auth/claims';
export * from './auth/assertion';
export * from './http';
export * from './log';
export * from './heap';
export * from './document-limits';
export * from './ed25519';
export * from './outbox/broker';
export * from './observability/request-context';
export * from './observability/metrics';
export * from './observability/tracing';
export * from './observability/graphql';
export * from './observability/http-observer';
export * from './observability/hub-metrics';
export type { RelayOutcome, RemoteStep } from './module';
