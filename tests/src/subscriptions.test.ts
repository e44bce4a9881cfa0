/**
 * Live events through the hub as the embedded default runs them: the hub follows each node's `/events` (long
 * polling, no broker). The scenarios are in support/subscription-scenarios.ts; subscriptions-nats.test.ts runs them
 * with a NATS JetStream broker between nodes and hub.
 */
import { subscriptionScenarios } from './support/subscription-scenarios';

subscriptionScenarios();
