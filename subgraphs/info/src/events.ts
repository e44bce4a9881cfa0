/**
 * What the info domain tells the community's outbox 事件 (see kit's outbox.ts), in the transaction of the change:
 * NOTICE_PUBLISHED, DIGEST_PUBLISHED and QUESTION_ANSWERED, each naming its record; the figures are a category or a
 * count, never the text.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { emitEvent, globalIdOf } from '@lilong/kit';
import type { Digest } from './digest/digest.entity';
import type { Notice } from './notice/notice.entity';
import type { Question } from './question/question.entity';

/** A signed notice was published (`supersedes`: the notice it corrects, if any). */
export function noticePublished(em: EntityManager, community: string, notice: Notice): void {
  emitEvent(em, {
    type: 'NOTICE_PUBLISHED',
    subjects: { notice: globalIdOf(community, 'Notice', notice.localId) },
    data: { category: notice.category, supersedes: notice.supersedesId == null ? null : globalIdOf(community, 'Notice', notice.supersedesId) },
  });
}

/** A signed digest was published. */
export function digestPublished(em: EntityManager, community: string, digest: Digest): void {
  emitEvent(em, { type: 'DIGEST_PUBLISHED', subjects: { digest: globalIdOf(community, 'Digest', digest.localId) }, data: { items: digest.items.length } });
}

/** A question was answered. */
export function questionAnswered(em: EntityManager, community: string, question: Question): void {
  emitEvent(em, { type: 'QUESTION_ANSWERED', subjects: { question: globalIdOf(community, 'Question', question.localId) }, data: { status: question.status } });
}
