import { loaderById, type SubgraphContext } from '@lilong/kit';
import type { EntityManager } from '@mikro-orm/postgresql';
import { WebhookEndpoint } from './endpoint/endpoint.entity';

export function createWebhookLoaders(em: EntityManager, _community: string) {
  return {
    endpoint: loaderById(em, WebhookEndpoint),
  };
}

export type WebhookLoaders = ReturnType<typeof createWebhookLoaders>;
export type WebhookContext = SubgraphContext<WebhookLoaders>;
