import { IdempotencyRecord, OutboxWaiter, type SubgraphModule } from '@lilong/kit';
import { Community } from './community/community.type';
import { webhookConfigFromEnv } from './config';
import { WebhookDelivery } from './delivery/delivery.entity';
import { WebhookDeliveryResolver } from './delivery/delivery.resolver';
import { WebhookDispatcher } from './delivery/dispatcher';
import { WebhookEndpoint } from './endpoint/endpoint.entity';
import { WebhookEndpointResolver } from './endpoint/endpoint.resolver';
import { createWebhookLoaders, type WebhookLoaders } from './loaders';
import { migrations } from './migrations';

export { WebhookEndpoint, WebhookStatus, WebhookPausedBy } from './endpoint/endpoint.entity';
export { WebhookDelivery, DeliveryOutcome } from './delivery/delivery.entity';
export { DEFAULT_WEBHOOK_CONFIG, webhookConfigFromEnv, type WebhookConfig } from './config';
export { afterFailure, attemptTimes } from './delivery/retry';
export { signatureOf, newSecret } from './delivery/signature';
export type { WebhookLoaders, WebhookContext } from './loaders';

/**
 * The `webhooks` domain: partner apps' endpoints 回调地址 for one community's events, and their delivery log. The
 * node's dispatcher (delivery/dispatcher.ts) POSTs each endpoint's events from the community's outbox, signed
 * (Standard Webhooks), in order, retried with backoff (delivery/retry.ts).
 */
export const webhooksSubgraph: SubgraphModule<WebhookLoaders> = {
  name: 'webhooks',
  resolvers: [WebhookEndpointResolver, WebhookDeliveryResolver],
  orphanedTypes: [Community],
  entities: [WebhookEndpoint, WebhookDelivery, IdempotencyRecord],
  migrations,
  createLoaders: (em, community) => createWebhookLoaders(em, community),
  references: {
    Community: ({ code }) => ({ code }),
  },
  // Its own LISTEN connection, opened while an endpoint is active: the node's outbox waiter is not handed to domains.
  startBackground: (context) => {
    const config = webhookConfigFromEnv();
    const databaseUrl = String(context.orm.config.get('clientUrl'));
    const outbox = () => new OutboxWaiter(databaseUrl, context.log, `lilong-node:${context.community}/webhooks-listen`);
    const dispatcher = new WebhookDispatcher({ community: context.community, orm: context.orm, log: context.log, config, outbox });
    dispatcher.start();
    return () => dispatcher.stop();
  },
};
