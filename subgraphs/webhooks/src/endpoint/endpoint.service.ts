import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { badInput, idempotent, localIdOf, notFound, requireInt, requireText } from '@lilong/kit';
import { lilongError, type EventType } from '@lilong/schema';
import { isCommittee, ownsEndpoint, partnerAppsOf, requireOwner, requireOwnerOrCommittee, requirePartnerApp, requirePartnerOrCommittee } from '../access';
import { webhookConfigFromEnv } from '../config';
import { WebhookDelivery } from '../delivery/delivery.entity';
import { newSecret } from '../delivery/signature';
import type { WebhookContext } from '../loaders';
import { WebhookEndpoint, WebhookPausedBy, WebhookStatus } from './endpoint.entity';
import type { PauseWebhookInput, RegisterWebhookInput, ReplayWebhookInput, WebhookEndpointInput } from './endpoint.inputs';
import { checkEndpointUrl } from './endpoint.url';

export const WEBHOOK_LIMITS = {
  /** Endpoints one partner app may have in one community (not counting removed ones). */
  endpointsPerApp: 20,
  description: 200,
  reason: 200,
  /** Attempts one page of the delivery log holds at most. */
  log: 200,
};

/** The community's last event sequence number (0 before the first). */
export async function outboxHead(em: EntityManager): Promise<number> {
  const rows = (await em.getConnection().execute(`select "seq" from "outbox"."head" where "id" = 1`, [], 'all', em.getTransactionContext())) as { seq: string | number }[];
  return Number(rows[0]?.seq ?? 0);
}

function requireOwnCommunity(ctx: WebhookContext, community: string, argument: string): void {
  if (community !== ctx.community) throw badInput(argument, 'names another community.', '指向其他社区。');
}

/** A live (not removed) endpoint of this community by global ID, locked for the change when `lock`; else NOT_FOUND. */
async function endpointOf(em: EntityManager, community: string, id: string, argument: string, lock: boolean): Promise<WebhookEndpoint> {
  const localId = localIdOf(community, id, 'WebhookEndpoint', argument);
  const endpoint = await em.findOne(WebhookEndpoint, { localId }, lock ? { lockMode: LockMode.PESSIMISTIC_WRITE } : {});
  if (!endpoint || endpoint.status === WebhookStatus.REMOVED) throw notFound('WebhookEndpoint', id);
  return endpoint;
}

/**
 * Registers a partner app's endpoint for this community's events of the given types, from the next event on; the
 * answer is the only place its secret is ever shown.
 */
export async function registerWebhook(ctx: WebhookContext, input: RegisterWebhookInput): Promise<WebhookEndpoint> {
  const app = requirePartnerApp(ctx);
  requireOwnCommunity(ctx, input.community, 'input.community');
  const url = checkEndpointUrl(input.url, 'input.url', webhookConfigFromEnv().allowLoopback).href;
  const eventTypes = [...new Set(input.eventTypes)] as EventType[];
  if (eventTypes.length === 0) throw badInput('input.eventTypes', 'must name at least one event type.', '至少选择一种事件类型。');
  const description = input.description == null ? '' : requireText(input.description, 'input.description', WEBHOOK_LIMITS.description, { allowEmpty: true });
  return idempotent(ctx, input.idempotencyKey, 'registerWebhook', input, WebhookEndpoint, async (em) => {
    // One registration of an app at a time in this community: the limit and the duplicate check hold.
    await em.getConnection().execute('select pg_advisory_xact_lock(hashtextextended(?, 0))', [`webhooks:register:${app}`], 'all', em.getTransactionContext());
    const own = await em.find(WebhookEndpoint, { app, status: { $ne: WebhookStatus.REMOVED } });
    const same = own.find((e) => e.url === url);
    if (same) {
      throw badInput('input.url', `is already registered by this app in this community (${idOf(ctx, same)}); change or remove that one.`, `本应用已在本社区登记了该地址（${idOf(ctx, same)}）。`);
    }
    if (own.length >= WEBHOOK_LIMITS.endpointsPerApp) {
      throw badInput('input.url', `this app already has ${own.length} endpoints in this community, the most it may have; remove one first.`, `本应用在本社区已有 ${own.length} 个回调地址，已达上限，请先删除一个。`);
    }
    const now = new Date();
    return em.create(WebhookEndpoint, {
      app,
      createdBy: ctx.claims.actor,
      url,
      description,
      eventTypes,
      secret: newSecret(),
      secretIssuedAt: now,
      cursor: await outboxHead(em),
      createdAt: now,
    });
  });
}

const idOf = (ctx: WebhookContext, endpoint: WebhookEndpoint) => `${ctx.community}:WebhookEndpoint:${endpoint.localId}`;

/** The caller's endpoints in this community (a partner app: its own; committee staff: every one), oldest first. */
export async function listEndpoints(ctx: WebhookContext, community: string): Promise<WebhookEndpoint[]> {
  requirePartnerOrCommittee(ctx);
  requireOwnCommunity(ctx, community, 'community');
  const live = { status: { $ne: WebhookStatus.REMOVED } } as const;
  const where = isCommittee(ctx) ? live : { ...live, app: { $in: partnerAppsOf(ctx) } };
  return ctx.em.find(WebhookEndpoint, where, { orderBy: { localId: 'asc' } });
}

/** The endpoint's delivery log, newest attempt first (its partner app and the committee). */
export async function listDeliveries(ctx: WebhookContext, endpointId: string, first: number): Promise<WebhookDelivery[]> {
  requirePartnerOrCommittee(ctx);
  const limit = requireInt(first, 'first', 1, WEBHOOK_LIMITS.log);
  const endpoint = await endpointOf(ctx.em, ctx.community, endpointId, 'endpointId', false);
  requireOwnerOrCommittee(ctx, endpoint, { en: 'read the delivery log of', zh: '查看其投递记录' });
  return ctx.em.find(WebhookDelivery, { endpointId: endpoint.localId }, { orderBy: { localId: 'desc' }, limit });
}

/** Pauses deliveries: the events wait from where the endpoint is until it is resumed. Pausing a paused one changes nothing, but the committee's pause overrides a partner's. */
export async function pauseWebhook(ctx: WebhookContext, input: PauseWebhookInput): Promise<WebhookEndpoint> {
  requirePartnerOrCommittee(ctx);
  const reason = input.reason == null ? null : requireText(input.reason, 'input.reason', WEBHOOK_LIMITS.reason, { allowEmpty: true }) || null;
  return idempotent(ctx, input.idempotencyKey, 'pauseWebhook', input, WebhookEndpoint, async (em) => {
    const endpoint = await endpointOf(em, ctx.community, input.endpointId, 'input.endpointId', true);
    requireOwnerOrCommittee(ctx, endpoint, { en: 'pause', zh: '暂停该回调地址' });
    const by = ownsEndpoint(ctx, endpoint) ? WebhookPausedBy.PARTNER : WebhookPausedBy.COMMITTEE;
    if (endpoint.status === WebhookStatus.PAUSED && !(by === WebhookPausedBy.COMMITTEE && endpoint.pausedBy !== WebhookPausedBy.COMMITTEE)) return endpoint;
    endpoint.status = WebhookStatus.PAUSED;
    endpoint.pausedBy = by;
    endpoint.pausedAt = new Date();
    endpoint.pausedReason = reason ?? (by === WebhookPausedBy.PARTNER ? 'paused by the partner app 合作应用暂停' : "paused by the residents' committee 居委会暂停");
    endpoint.nextAttemptAt = null;
    return endpoint;
  });
}

/** Resumes deliveries where the endpoint stopped, at once, with the failure count started again. */
export async function resumeWebhook(ctx: WebhookContext, input: WebhookEndpointInput): Promise<WebhookEndpoint> {
  requirePartnerOrCommittee(ctx);
  return idempotent(ctx, input.idempotencyKey, 'resumeWebhook', input, WebhookEndpoint, async (em) => {
    const endpoint = await endpointOf(em, ctx.community, input.endpointId, 'input.endpointId', true);
    requireOwnerOrCommittee(ctx, endpoint, { en: 'resume', zh: '恢复该回调地址' });
    if (endpoint.status === WebhookStatus.ACTIVE) return endpoint;
    if (endpoint.pausedBy === WebhookPausedBy.COMMITTEE && !isCommittee(ctx)) {
      throw lilongError('FORBIDDEN', {
        en: "Not allowed: the residents' committee paused this endpoint; only the committee resumes it.",
        zh: '无权操作：该回调地址由居委会暂停，只有居委会可以恢复。',
      });
    }
    endpoint.status = WebhookStatus.ACTIVE;
    endpoint.pausedBy = null;
    endpoint.pausedAt = null;
    endpoint.pausedReason = null;
    restartCount(endpoint);
    return endpoint;
  });
}

function restartCount(endpoint: WebhookEndpoint): void {
  endpoint.failedAttempts = 0;
  endpoint.failingSince = null;
  endpoint.nextAttemptAt = null;
}

/**
 * Moves the endpoint's cursor so that its next delivery is the first event of its types from `fromSequence` on:
 * back, to have events delivered again (with the same `webhook-id`), or forward, to pass over some. A paused
 * endpoint stays paused.
 */
export async function replayWebhook(ctx: WebhookContext, input: ReplayWebhookInput): Promise<WebhookEndpoint> {
  requirePartnerApp(ctx, { en: 'replays its webhook endpoints', zh: '重放回调事件' });
  const from = requireInt(input.fromSequence, 'input.fromSequence', 1, Number.MAX_SAFE_INTEGER);
  return idempotent(ctx, input.idempotencyKey, 'replayWebhook', input, WebhookEndpoint, async (em) => {
    const endpoint = await endpointOf(em, ctx.community, input.endpointId, 'input.endpointId', true);
    requireOwner(ctx, endpoint, { en: 'replay', zh: '重放该回调地址的事件' });
    const head = await outboxHead(em);
    if (from > head + 1) {
      throw badInput('input.fromSequence', `is past the community's last event (${head}); at most ${head + 1}.`, `超出本社区最新事件序号（${head}），最多为 ${head + 1}。`);
    }
    endpoint.cursor = from - 1;
    endpoint.generation += 1;
    restartCount(endpoint);
    return endpoint;
  });
}

/** A new secret, shown once in the answer; deliveries carry a signature with the old one too for the grace period. */
export async function rotateWebhookSecret(ctx: WebhookContext, input: WebhookEndpointInput): Promise<WebhookEndpoint> {
  requirePartnerApp(ctx, { en: 'rotates the secrets of its webhook endpoints', zh: '更换回调密钥' });
  const grace = webhookConfigFromEnv().secretGraceMs;
  return idempotent(ctx, input.idempotencyKey, 'rotateWebhookSecret', input, WebhookEndpoint, async (em) => {
    const endpoint = await endpointOf(em, ctx.community, input.endpointId, 'input.endpointId', true);
    requireOwner(ctx, endpoint, { en: 'rotate the secret of', zh: '更换该回调地址的密钥' });
    const now = new Date();
    endpoint.previousSecret = endpoint.secret;
    endpoint.previousSecretUntil = new Date(now.getTime() + grace);
    endpoint.secret = newSecret();
    endpoint.secretIssuedAt = now;
    return endpoint;
  });
}

/** Removes the endpoint: nothing is delivered to it again and its secrets are forgotten. */
export async function removeWebhook(ctx: WebhookContext, input: WebhookEndpointInput): Promise<WebhookEndpoint> {
  requirePartnerApp(ctx, { en: 'removes its webhook endpoints', zh: '删除回调地址' });
  return idempotent(ctx, input.idempotencyKey, 'removeWebhook', input, WebhookEndpoint, async (em) => {
    const endpoint = await endpointOf(em, ctx.community, input.endpointId, 'input.endpointId', true);
    requireOwner(ctx, endpoint, { en: 'remove', zh: '删除该回调地址' });
    endpoint.status = WebhookStatus.REMOVED;
    endpoint.removedAt = new Date();
    endpoint.secret = '';
    endpoint.previousSecret = null;
    endpoint.previousSecretUntil = null;
    endpoint.nextAttemptAt = null;
    return endpoint;
  });
}
