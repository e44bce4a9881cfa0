import type { SubgraphModule } from '@lilong/kit';
import { IdempotencyRecord } from '@lilong/kit';
import { Community, Compound } from './community/community.type';
import { createInfoLoaders, type InfoLoaders } from './loaders';
import { migrations } from './migrations';
import { Notice } from './notice/notice.entity';
import { CommunityNoticesResolver, loadNotice, NoticeResolver } from './notice/notice.resolver';

export { Notice, NoticeCategory } from './notice/notice.entity';
export { publishNotice, COMMITTEE_LABEL } from './notice/notice.service';
export type { InfoLoaders, InfoContext } from './loaders';

/**
 * The `info` domain: what residents can trust. The committee's signed notices 居委通知, the information officers'
 * Q&A 问答 and digests 信息简报 (signed like notices).
 */
export const infoSubgraph: SubgraphModule<InfoLoaders> = {
  name: 'info',
  resolvers: [NoticeResolver, CommunityNoticesResolver],
  orphanedTypes: [Community, Compound],
  entities: [Notice, IdempotencyRecord],
  migrations,
  createLoaders: (em, community) => createInfoLoaders(em, community),
  references: {
    Notice: ({ id }, ctx) => loadNotice(ctx as never, String(id)),
    Community: ({ code }) => ({ code }),
    Compound: (representation) => representation,
  },
};
