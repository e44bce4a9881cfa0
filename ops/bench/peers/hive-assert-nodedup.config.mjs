// hive-assert.config.mjs with Hive Gateway's upstream in-flight request deduplication off (as the harness's
// hive-nodedup.config.mjs): every client request then pays its own subgraph fetches, as without merging.
//   hive-gateway supergraph SUPERGRAPH --config-path hive-assert-nodedup.config.mjs [--hive-router-runtime]
import { gatewayConfig as withAssertion } from './hive-assert.config.mjs';

export const gatewayConfig = {
  ...withAssertion,
  transportEntries: { '*.http': { options: { deduplicateInflightRequests: false } } },
};
