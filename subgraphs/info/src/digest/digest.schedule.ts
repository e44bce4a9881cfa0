import type { EntityManager } from '@mikro-orm/postgresql';
import type { BackgroundContext, DeadlineSweep } from '@lilong/kit';
import { Notice } from '../notice/notice.entity';
import { Question, QuestionStatus } from '../question/question.entity';
import { Digest, DigestStatus } from './digest.entity';
import { draftDue } from './digest.rules';
import { gatherDraft, intervalMinutes, lastPublished, writeDraft } from './digest.service';

/** Before the first digest, how often the sweep asks the other domains whether anything has happened yet, in ms. */
export const FIRST_NEWS_LOOK_MS = 60_000;

/**
 * The sweep that makes a digest draft by itself: when no draft is open and the community's interval has passed
 * since the last published digest's period ended (or, before the first digest, since the first notice, answered
 * question or dated news of another domain). Cheap when nothing is due: it reads this domain's rows only, and asks
 * the other domains (the node's `news`) only once due, or at most once a minute before the first digest.
 */
export function draftDueDigests(context: Pick<BackgroundContext, 'community' | 'news'>): DeadlineSweep {
  let nextNewsLook = 0;
  return async function draftDueDigest(em: EntityManager, now: Date): Promise<number> {
    if ((await em.count(Digest, { status: DigestStatus.DRAFT })) > 0) return 0;
    const [last, interval] = await Promise.all([lastPublished(em), intervalMinutes(em)]);
    if (last) {
      if (!draftDue(last.periodTo, interval, now)) return 0;
    } else {
      const local = await firstLocalActivity(em);
      const localDue = local !== null && draftDue(local, interval, now);
      if (!localDue) {
        if (now.getTime() < nextNewsLook) return 0;
        nextNewsLook = now.getTime() + FIRST_NEWS_LOOK_MS;
      }
    }
    const content = await gatherDraft(em, context.community, context.news, now);
    // Before the first digest: nothing happened yet, or not long enough ago.
    if (content.after === null && (content.items.length === 0 || !draftDue(content.from, interval, now))) return 0;
    const written = await em.transactional((tem) => writeDraft(tem as EntityManager, content, { onlyIfNone: true }));
    return written ? 1 : 0;
  };
}

async function firstLocalActivity(em: EntityManager): Promise<Date | null> {
  const [notice, question] = await Promise.all([
    em.fork().findOne(Notice, {}, { orderBy: { publishedAt: 'asc' }, fields: ['publishedAt'] }),
    em.fork().findOne(Question, { status: QuestionStatus.ANSWERED }, { orderBy: { answeredAt: 'asc' }, fields: ['answeredAt'] }),
  ]);
  const times = [notice?.publishedAt, question?.answeredAt ?? undefined].filter((t): t is Date => t instanceof Date);
  return times.length === 0 ? null : new Date(Math.min(...times.map((t) => t.getTime())));
}
