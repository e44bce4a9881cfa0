import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { badInput, globalIdOf, idempotent, localIdOf, notFound, requireInt, requireText, type NewsLookup } from '@lilong/kit';
import { DIGEST_TYPE, lilongError, type DigestItemPayload, type DigestPayload } from '@lilong/schema';
import { digestPublished } from '../events';
import type { InfoContext } from '../loaders';
import { Notice } from '../notice/notice.entity';
import { signingUnavailable } from '../notice/notice.service';
import { Question, QuestionStatus } from '../question/question.entity';
import { staffLabel } from '../question/question.service';
import { Digest, DigestSetting, DigestStatus } from './digest.entity';
import type { DraftDigestInput, PublishDigestInput, SetDigestIntervalInput, UpdateDigestDraftInput } from './digest.inputs';
import { checkItems, defaultBody, defaultTitle, DIGEST_LIMITS, shorten } from './digest.rules';

const SETTING_ID = 1;
const EPOCH = new Date(0);

/** What a draft made now would hold: its period and items, read outside any transaction (news comes from other domains). */
export interface DraftContent {
  from: Date;
  to: Date;
  items: DigestItemPayload[];
  /** The periodTo of the last published digest it follows (null: the first digest); checked again when it is written. */
  after: Date | null;
}

export async function lastPublished(em: EntityManager): Promise<Digest | null> {
  return em.findOne(Digest, { status: DigestStatus.PUBLISHED }, { orderBy: { periodTo: 'desc', localId: 'desc' } });
}

export async function intervalMinutes(em: EntityManager): Promise<number> {
  return (await em.findOne(DigestSetting, { localId: SETTING_ID }))?.intervalMinutes ?? DIGEST_LIMITS.defaultMinutes;
}

/**
 * The period since the last published digest and what happened in it: this domain's notices and answered
 * questions, and the other domains' news. With no digest yet, the period starts just before the first of them
 * (or `interval` ago when nothing happened at all).
 */
export async function gatherDraft(em: EntityManager, community: string, news: NewsLookup | undefined, now: Date): Promise<DraftContent> {
  const last = await lastPublished(em);
  const after = last?.periodTo ?? null;
  const from = after ?? EPOCH;
  const [notices, questions, others] = await Promise.all([
    em.fork().find(Notice, { publishedAt: { $gt: from, $lte: now } }, { orderBy: { publishedAt: 'asc', localId: 'asc' }, limit: DIGEST_LIMITS.items }),
    em.fork().find(Question, { status: QuestionStatus.ANSWERED, answeredAt: { $gt: from, $lte: now } }, { orderBy: { answeredAt: 'asc', localId: 'asc' }, limit: DIGEST_LIMITS.items }),
    news ? news({ from, to: now }) : Promise.resolve([]),
  ]);
  const dated = [
    ...notices.map((n) => ({ at: n.publishedAt, kind: 'NOTICE_PUBLISHED', text: `居委通知：${shorten(n.title, 60)}`, ref: globalIdOf(community, 'Notice', n.localId) })),
    ...questions.map((q) => ({
      at: q.answeredAt!,
      kind: 'QUESTION_ANSWERED',
      text: `问：${shorten(q.text, 60)} 答：${shorten(q.answer ?? '', 80)}`,
      ref: globalIdOf(community, 'Question', q.localId),
    })),
    ...others.map((n) => ({ at: n.at, kind: n.kind, text: shorten(n.text, DIGEST_LIMITS.text), ref: n.ref })),
  ].sort((a, b) => a.at.getTime() - b.at.getTime());
  let start = from;
  if (after === null) {
    const first = dated[0]?.at;
    start = first && first.getTime() <= now.getTime() ? new Date(first.getTime() - 1) : new Date(now.getTime() - (await intervalMinutes(em)) * 60_000);
  }
  return { from: start, to: now, after, items: dated.slice(0, DIGEST_LIMITS.items).map(({ kind, text, ref }) => ({ kind, text, ref })) };
}

async function lockSetting(em: EntityManager): Promise<DigestSetting> {
  const setting = await em.findOne(DigestSetting, { localId: SETTING_ID }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (setting) return setting;
  // The migration makes the row; this only covers a database where it was deleted.
  await em.getConnection().execute('insert into digest_setting (id, interval_minutes) values (?, ?) on conflict do nothing', [SETTING_ID, DIGEST_LIMITS.defaultMinutes], 'run', em.getTransactionContext());
  return (await em.findOne(DigestSetting, { localId: SETTING_ID }, { lockMode: LockMode.PESSIMISTIC_WRITE }))!;
}

const periodMoved = () =>
  lilongError('CONFLICT', { en: 'A digest was published meanwhile; make the draft again.', zh: '期间已有简报发布，请重新生成草稿。' });

/**
 * Writes `content` as the open draft, under the settings row's lock (so the background sweep and staff never make two
 * drafts): refreshes the open draft, or makes one. `onlyIfNone`: leave an open draft alone (the sweep). Returns null
 * when nothing was written.
 */
export async function writeDraft(em: EntityManager, content: DraftContent, options: { onlyIfNone: boolean }): Promise<Digest | null> {
  await lockSetting(em);
  const current = (await lastPublished(em))?.periodTo ?? null;
  if ((current?.getTime() ?? null) !== (content.after?.getTime() ?? null)) {
    if (options.onlyIfNone) return null;
    throw periodMoved();
  }
  const draft = await em.findOne(Digest, { status: DigestStatus.DRAFT });
  if (draft && options.onlyIfNone) return null;
  const digest = draft ?? em.create(Digest, { title: '', body: '', items: [], periodFrom: content.from, periodTo: content.to });
  digest.periodFrom = content.from;
  digest.periodTo = content.to;
  digest.items = content.items;
  if (!digest.edited) {
    digest.title = defaultTitle(content.to);
    digest.body = defaultBody(content.from, content.to, content.items);
  }
  return digest;
}

/** Staff make the draft now, or refresh the open one. */
export async function draftDigest(ctx: InfoContext, input: DraftDigestInput): Promise<Digest> {
  requireOwnCommunity(ctx, input.community);
  const content = await gatherDraft(ctx.em as EntityManager, ctx.community, ctx.news, new Date());
  return idempotent(ctx, input.idempotencyKey, 'draftDigest', input, Digest, async (em) => (await writeDraft(em, content, { onlyIfNone: false }))!);
}

async function lockDigest(em: EntityManager, community: string, id: string): Promise<Digest> {
  const localId = localIdOf(community, id, 'Digest', 'input.digestId');
  const digest = await em.findOne(Digest, { localId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (!digest) throw notFound('Digest', id);
  if (digest.status !== DigestStatus.DRAFT) {
    throw lilongError(
      'INVALID_TRANSITION',
      { en: `Digest ${id} is already published; a published digest is never edited.`, zh: '该简报已发布，已发布的简报不能再修改。' },
      { status: digest.status },
    );
  }
  return digest;
}

export async function updateDigestDraft(ctx: InfoContext, input: UpdateDigestDraftInput): Promise<Digest> {
  const title = input.title === undefined || input.title === null ? undefined : requireText(input.title, 'input.title', DIGEST_LIMITS.title);
  const body = input.body === undefined || input.body === null ? undefined : requireText(input.body, 'input.body', DIGEST_LIMITS.body, { allowEmpty: true });
  const items = input.items === undefined || input.items === null ? undefined : checkItems(input.items);
  return idempotent(ctx, input.idempotencyKey, 'updateDigestDraft', input, Digest, async (em) => {
    const digest = await lockDigest(em, ctx.community, input.digestId);
    if (title !== undefined) digest.title = title;
    if (body !== undefined) digest.body = body;
    if (title !== undefined || body !== undefined) digest.edited = true;
    if (items !== undefined) digest.items = items;
    return digest;
  });
}

/** Signs the draft with the community's key and stores exactly what was signed; it is never edited afterwards. */
export async function publishDigest(ctx: InfoContext, input: PublishDigestInput): Promise<Digest> {
  const signer = ctx.signer;
  if (!signer) throw signingUnavailable();
  return idempotent(ctx, input.idempotencyKey, 'publishDigest', input, Digest, async (em) => {
    const digest = await lockDigest(em, ctx.community, input.digestId);
    const now = new Date();
    const by = staffLabel(ctx);
    const payload: DigestPayload = {
      type: DIGEST_TYPE,
      id: globalIdOf(ctx.community, 'Digest', digest.localId),
      community: ctx.community,
      title: digest.title,
      body: digest.body,
      items: digest.items.map((i) => ({ kind: i.kind, text: i.text, ref: i.ref })),
      periodFrom: digest.periodFrom.toISOString(),
      periodTo: digest.periodTo.toISOString(),
      publishedAt: now.toISOString(),
      publishedBy: by,
    };
    const signed = signer.sign(payload);
    digest.status = DigestStatus.PUBLISHED;
    digest.publishedAt = now;
    digest.publishedBy = by;
    digest.actor = ctx.claims.actor;
    digest.payload = signed.payload;
    digest.kid = signed.kid;
    digest.signature = signed.sig;
    digestPublished(em, ctx.community, digest);
    return digest;
  });
}

export async function setDigestInterval(ctx: InfoContext, input: SetDigestIntervalInput): Promise<DigestSetting> {
  requireOwnCommunity(ctx, input.community);
  const minutes = requireInt(input.minutes, 'input.minutes', DIGEST_LIMITS.minMinutes, DIGEST_LIMITS.maxMinutes);
  return idempotent(ctx, input.idempotencyKey, 'setDigestInterval', input, DigestSetting, async (em) => {
    const setting = await lockSetting(em);
    setting.intervalMinutes = minutes;
    return setting;
  });
}

export function listDigests(ctx: InfoContext, first: number): Promise<Digest[]> {
  return ctx.em.find(Digest, { status: DigestStatus.PUBLISHED }, { orderBy: { publishedAt: 'desc', localId: 'desc' }, limit: first });
}

export function openDraft(ctx: InfoContext): Promise<Digest | null> {
  return ctx.em.findOne(Digest, { status: DigestStatus.DRAFT });
}

function requireOwnCommunity(ctx: InfoContext, community: string): void {
  if (community !== ctx.community) throw badInput('input.community', 'names another community.', '指向其他社区。');
}
