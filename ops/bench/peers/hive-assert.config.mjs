// Hive Gateway: the hub's assertion on every upstream (subgraph) fetch, signed for that fetch's path (assertion.mjs).
//   hive-gateway supergraph SUPERGRAPH --config-path hive-assert.config.mjs [--hive-router-runtime]
import { ASSERTION_HEADER, signAssertion } from './assertion.mjs';

export const assertionPlugin = () => ({
  // onFetch runs for every upstream HTTP request (after in-flight deduplication, when that is on) and may be async.
  async onFetch({ url, options, setOptions }) {
    setOptions({ ...options, headers: { ...options.headers, [ASSERTION_HEADER]: await signAssertion(url) } });
  },
});

export const gatewayConfig = { plugins: () => [assertionPlugin()] };
