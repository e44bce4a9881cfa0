import { loaderById, loaderByParent, type SubgraphContext } from '@lilong/kit';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Digest } from './digest/digest.entity';
import { Notice } from './notice/notice.entity';
import { Question } from './question/question.entity';

export function createInfoLoaders(em: EntityManager, _community: string) {
  return {
    notice: loaderById(em, Notice),
    /** The notice that supersedes a notice, keyed by the superseded one's local ID. */
    supersedingNotice: loaderByParent(em, Notice, 'supersedesId'),
    question: loaderById(em, Question),
    /** The duplicates merged into a question, keyed by its local ID (askedCount). */
    mergedQuestions: loaderByParent(em, Question, 'mergedIntoId'),
    digest: loaderById(em, Digest),
  };
}

export type InfoLoaders = ReturnType<typeof createInfoLoaders>;
export type InfoContext = SubgraphContext<InfoLoaders>;
