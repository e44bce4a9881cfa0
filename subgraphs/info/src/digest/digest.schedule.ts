import type { EntityManager } from '@mikro-orm/postgresql';
import { jobKind, jobTransaction, type BackgroundContext, type DeadlineJob } from '@lilong/kit';
import { Notice } from '../notice/notice.entity';
import { Question, QuestionStatus } from '../question/question.entity';
import { Digest, DigestStatus } from './digest.entity';
import { draftDue } from './digest.rules';
import { gatherDraft, intervalMinutes, lastPublished, writeDraft, type DraftContent } from './digest.service';

/** Before the first digest, how often the finder asks the other domains whether anything has happened yet, in ms. */
export const FIRST_NEWS_LOOK_MS = 60_000;

export const DRAFT_DIGEST = jobKind<Record<string, never>>('draft-digest');

type DigestContext = Pick<BackgroundContext, 'community' | 'news'>;

/**
 * Whether a draft may be due at `now`, and the key of its job (the period it would start from): no draft is open
 * and the community's interval has passed since the last published digest's period ended, or, before the first
 * digest, since the first notice, answered question or (asked at most once a minute) dated news of another domain.
 * Cheap when nothing is due: it reads this domain's rows only.
 */
function digestFinder(): (em: EntityManager, now: Date) => Promise<string | null> {
  let nextNewsLook = 0;
  return async (em, now) => {
    if ((await em.count(Digest, { status: DigestStatus.DRAFT })) > 0) return null;
    const [last, interval] = await Promise.all([lastPublished(em), intervalMinutes(em)]);
    if (last) return draftDue(last.periodTo, interval, now) ? `${DRAFT_DIGEST.name}:${last.periodTo.toISOString()}` : null;
    const local = await firstLocalActivity(em);
    if (!(local !== null && draftDue(local, interval, now))) {
      if (now.getTime() < nextNewsLook) return null;
      nextNewsLook = now.getTime() + FIRST_NEWS_LOOK_MS;
    }
    return `${DRAFT_DIGEST.name}:first`;
  };
}

/** What the draft due at `now` would say, asking the other domains (the node's `news`); null when none is due. */
async function dueDraft(em: EntityManager, context: DigestContext, now: Date): Promise<DraftContent | null> {
  if ((await em.count(Digest, { status: DigestStatus.DRAFT })) > 0) return null;
  const [last, interval] = await Promise.all([lastPublished(em), intervalMinutes(em)]);
  if (last && !draftDue(last.periodTo, interval, now)) return null;
  const content = await gatherDraft(em, context.community, context.news, now);
  // Before the first digest: nothing happened yet, or not long enough ago.
  if (content.after === null && (content.items.length === 0 || !draftDue(content.from, interval, now))) return null;
  return content;
}

/**
 * The node's own digest draft as a job (`draft-digest:<end of the last period>`): the finder above every tick, then
 * the draft gathered and written once (`writeDraft` with `onlyIfNone`, under the setting's lock), so a retried or
 * duplicated job, or a draft an officer started meanwhile, leaves one draft.
 */
export function digestSchedule(context: Pick<BackgroundContext, 'community' | 'news' | 'orm'>): DeadlineJob<Record<string, never>> {
  const find = digestFinder();
  return {
    kind: DRAFT_DIGEST,
    async due(now) {
      const key = await find(context.orm.em.fork() as EntityManager, now);
      return key ? [{ key, payload: {} }] : [];
    },
    async handle(_payload, now) {
      const content = await dueDraft(context.orm.em.fork() as EntityManager, context, now);
      if (!content) return false;
      return (await jobTransaction(context.orm, (em) => writeDraft(em, content, { onlyIfNone: true }))) !== null;
    },
  };
}

/** The finder and the job at once on one EntityManager, at a time of the caller's choosing (tests move the clock). */
export function draftDueDigests(context: DigestContext): (em: EntityManager, now: Date) => Promise<number> {
  const find = digestFinder();
  return async function draftDueDigest(em, now) {
    if (!(await find(em, now))) return 0;
    const content = await dueDraft(em, context, now);
    if (!content) return 0;
    const written = await em.transactional((tem) => writeDraft(tem as EntityManager, content, { onlyIfNone: true }));
    return written ? 1 : 0;
  };
}

async function firstLocalActivity(em: EntityManager): Promise<Date | null> {
  const [notice, question] = await Promise.all([
    // A condition MikroORM takes (it refuses an empty one): every notice has been published.
    em.fork().findOne(Notice, { publishedAt: { $ne: null } }, { orderBy: { publishedAt: 'asc' }, fields: ['publishedAt'] }),
    em.fork().findOne(Question, { status: QuestionStatus.ANSWERED }, { orderBy: { answeredAt: 'asc' }, fields: ['answeredAt'] }),
  ]);
  const times = [notice?.publishedAt, question?.answeredAt ?? undefined].filter((t): t is Date => t instanceof Date);
  return times.length === 0 ? null : new Date(Math.min(...times.map((t) => t.getTime())));
}
