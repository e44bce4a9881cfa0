import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { badInput, globalIdOf, idempotent, localIdOf, notFound } from '@lilong/kit';
import { lilongError, NOTICE_TYPE, tryParseGlobalId, type NoticePayload } from '@lilong/schema';
import { noticePublished } from '../events';
import type { InfoContext } from '../loaders';
import { CATEGORY_ZH, Notice } from './notice.entity';
import type { PublishNoticeInput } from './notice.inputs';
import { checkNoticeText, inValidity, NOTICE_LIMITS } from './notice.rules';

/** Who publishes a notice, as the signed notice says it: the committee, by role, never a person. */
export const COMMITTEE_LABEL = "居委会 Residents' committee";

export const signingUnavailable = () =>
  lilongError('SIGNING_UNAVAILABLE', {
    en: "This community's node has no notice signing key, so nothing can be published; its operator must set LILONG_NOTICE_KEY.",
    zh: '本社区节点未配置通知签名密钥，无法发布；请运维人员设置 LILONG_NOTICE_KEY。',
  });

/**
 * Publishes a notice: checks it, reads the names of the compounds it is for, signs its payload with the community's
 * key and stores exactly what was signed, in one transaction. A notice that supersedes another locks that one first,
 * so of two corrections of one notice only the first succeeds (the second gets INVALID_TRANSITION).
 */
export async function publishNotice(ctx: InfoContext, input: PublishNoticeInput): Promise<Notice> {
  if (input.community !== ctx.community) throw badInput('input.community', 'names another community.', '指向其他社区。');
  const signer = ctx.signer;
  if (!signer) throw signingUnavailable();
  const now = new Date();
  const text = checkNoticeText(input, now);
  const compoundIds = [...new Set(input.compoundIds ?? [])];
  if (compoundIds.length > NOTICE_LIMITS.compounds) throw badInput('input.compoundIds', `may name at most ${NOTICE_LIMITS.compounds} compounds.`, `最多 ${NOTICE_LIMITS.compounds} 个小区。`);
  for (const id of compoundIds) {
    if (tryParseGlobalId(id)?.community !== ctx.community) throw badInput('input.compoundIds', `names ${id}, not a compound of this community.`, `${id} 不是本社区的小区。`);
  }
  const places = compoundIds.length > 0 ? await ctx.places(compoundIds) : new Map();
  const missing = compoundIds.filter((id) => !places.has(id));
  if (missing.length > 0) throw badInput('input.compoundIds', `names no compound of this community: ${missing.join(', ')}.`, `本社区没有这些小区：${missing.join('、')}。`);
  const supersedesId = input.supersedes ? localIdOf(ctx.community, input.supersedes, 'Notice', 'input.supersedes') : null;
  return idempotent(ctx, input.idempotencyKey, 'publishNotice', input, Notice, async (em) => {
    if (supersedesId !== null) await requireSupersedable(em, ctx.community, supersedesId);
    const notice = em.create(Notice, {
      ...text,
      category: input.category,
      supersedesId,
      publishedAt: now,
      publishedBy: COMMITTEE_LABEL,
      actor: ctx.claims.actor,
      payload: {} as NoticePayload,
      kid: signer.kid,
      signature: '',
    });
    await em.flush();
    const payload: NoticePayload = {
      type: NOTICE_TYPE,
      id: globalIdOf(ctx.community, 'Notice', notice.localId),
      community: ctx.community,
      title: text.title,
      body: text.body,
      category: `${input.category} ${CATEGORY_ZH[input.category]}`,
      scope: { wholeCommunity: compoundIds.length === 0, compounds: compoundIds.map((id) => ({ id, name: places.get(id)!.compoundName })) },
      validFrom: text.validFrom.toISOString(),
      validUntil: text.validUntil?.toISOString() ?? null,
      supersedes: supersedesId === null ? null : globalIdOf(ctx.community, 'Notice', supersedesId),
      publishedAt: now.toISOString(),
      publishedBy: COMMITTEE_LABEL,
    };
    const signed = signer.sign(payload);
    notice.payload = signed.payload;
    notice.kid = signed.kid;
    notice.signature = signed.sig;
    noticePublished(em, ctx.community, notice);
    return notice;
  });
}

async function requireSupersedable(em: EntityManager, community: string, localId: number): Promise<void> {
  const earlier = await em.findOne(Notice, { localId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (!earlier) throw notFound('Notice', globalIdOf(community, 'Notice', localId));
  const later = await em.findOne(Notice, { supersedesId: localId });
  if (later) {
    throw lilongError(
      'INVALID_TRANSITION',
      { en: `Notice ${globalIdOf(community, 'Notice', localId)} is already superseded by ${globalIdOf(community, 'Notice', later.localId)}; supersede that one instead.`, zh: `该通知已被 ${globalIdOf(community, 'Notice', later.localId)} 取代，请改为取代新通知。` },
      { status: 'SUPERSEDED', supersededBy: globalIdOf(community, 'Notice', later.localId) },
    );
  }
}

/** The community's notices, newest first: by default only those that apply now and are not superseded. */
export async function listNotices(ctx: InfoContext, options: { first: number; current: boolean }): Promise<Notice[]> {
  const now = new Date();
  if (!options.current) return ctx.em.find(Notice, {}, { orderBy: { publishedAt: 'desc', localId: 'desc' }, limit: options.first });
  const candidates = await (ctx.em as EntityManager)
    .createQueryBuilder(Notice, 'n')
    .select('*')
    .where('not exists (select 1 from "info"."notice" l where l.supersedes_id = n.id)')
    .andWhere({ validFrom: { $lte: now }, $or: [{ validUntil: null }, { validUntil: { $gte: now } }] })
    .orderBy({ publishedAt: 'desc', localId: 'desc' })
    .limit(options.first)
    .getResultList();
  return candidates.filter((n) => inValidity(n, now));
}
