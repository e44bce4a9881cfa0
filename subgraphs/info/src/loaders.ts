import { loaderById, loaderByParent, type SubgraphContext } from '@lilong/kit';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Notice } from './notice/notice.entity';

export function createInfoLoaders(em: EntityManager, _community: string) {
  return {
    notice: loaderById(em, Notice),
    /** The notice that supersedes a notice, keyed by the superseded one's local ID. */
    supersedingNotice: loaderByParent(em, Notice, 'supersedesId'),
  };
}

export type InfoLoaders = ReturnType<typeof createInfoLoaders>;
export type InfoContext = SubgraphContext<InfoLoaders>;
