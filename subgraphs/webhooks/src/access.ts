/**
 * Who may do what with a community's webhook endpoints:
 * - a partner app (the hub's `partner` grant) registers endpoints for itself, and alone reads its own endpoints'
 *   logs, replays, rotates the secret of, removes, pauses and resumes them; another app's endpoint is FORBIDDEN;
 * - the community's committee staff see every endpoint of the community and its log, and pause and resume any of
 *   them (an endpoint the committee paused only the committee resumes);
 * - nobody else (residents, sub-district staff, other communities' committees): FORBIDDEN.
 */
import { forbidden, isCommitteeOf, requireSignedIn, rolesOf } from '@lilong/kit';
import type { WebhookEndpoint } from './endpoint/endpoint.entity';
import type { WebhookContext } from './loaders';

/** The partner apps the caller acts for (hub grants). */
export const partnerAppsOf = (ctx: WebhookContext): string[] => rolesOf(ctx.claims, 'partner').map((r) => r.app);

export const isCommittee = (ctx: WebhookContext): boolean => isCommitteeOf(ctx.claims, ctx.community);

/**
 * A partner app (a hub grant), before anything is read: the caller's (first) partner grant. What only the owning app
 * may do is refused to everyone else here, so that nobody but a partner learns whether an endpoint exists.
 */
export function requirePartnerApp(ctx: WebhookContext, action = { en: 'registers webhook endpoints', zh: '登记回调地址' }): string {
  requireSignedIn(ctx.claims);
  const app = partnerAppsOf(ctx)[0];
  if (!app) throw forbidden(`only a partner app (a hub grant) ${action.en}`, `只有合作应用（枢纽授权）可以${action.zh}`);
  return app;
}

/** Before reading any endpoint: a partner app or this community's committee staff. */
export function requirePartnerOrCommittee(ctx: WebhookContext): void {
  requireSignedIn(ctx.claims);
  if (partnerAppsOf(ctx).length === 0 && !isCommittee(ctx)) {
    throw forbidden("only partner apps and this community's residents' committee see webhook endpoints", '只有合作应用和本社区居委会可以查看回调地址');
  }
}

export const ownsEndpoint = (ctx: WebhookContext, endpoint: WebhookEndpoint): boolean => partnerAppsOf(ctx).includes(endpoint.app);

/** The endpoint's own partner app only. */
export function requireOwner(ctx: WebhookContext, endpoint: WebhookEndpoint, action: { en: string; zh: string }): void {
  if (!ownsEndpoint(ctx, endpoint)) {
    throw forbidden(`only the partner app that registered the endpoint may ${action.en} it`, `只有登记该回调地址的合作应用可以${action.zh}`);
  }
}

/** The endpoint's own partner app, or this community's committee staff. */
export function requireOwnerOrCommittee(ctx: WebhookContext, endpoint: WebhookEndpoint, action: { en: string; zh: string }): void {
  if (!ownsEndpoint(ctx, endpoint) && !isCommittee(ctx)) {
    throw forbidden(
      `only the partner app that registered the endpoint, or this community's residents' committee, may ${action.en} it`,
      `只有登记该回调地址的合作应用或本社区居委会可以${action.zh}`,
    );
  }
}
