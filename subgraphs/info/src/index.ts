import type { SubgraphModule } from '@lilong/kit';
import { IdempotencyRecord, scheduleDeadlines } from '@lilong/kit';
import { Community, Compound } from './community/community.type';
import { Digest, DigestSetting } from './digest/digest.entity';
import { CommunityDigestsResolver, DigestResolver, DigestSettingsResolver, loadDigest } from './digest/digest.resolver';
import { digestSchedule } from './digest/digest.schedule';
import { createInfoLoaders, type InfoLoaders } from './loaders';
import { migrations } from './migrations';
import { Notice } from './notice/notice.entity';
import { CommunityNoticesResolver, loadNotice, NoticeResolver } from './notice/notice.resolver';
import { Question } from './question/question.entity';
import { CommunityQuestionsResolver, loadQuestion, QuestionResolver } from './question/question.resolver';

export { Notice, NoticeCategory } from './notice/notice.entity';
export { publishNotice, COMMITTEE_LABEL } from './notice/notice.service';
export type { InfoLoaders, InfoContext } from './loaders';
export { Question, QuestionStatus } from './question/question.entity';
export { Digest, DigestStatus } from './digest/digest.entity';
export { digestSchedule, draftDueDigests, DRAFT_DIGEST } from './digest/digest.schedule';
export { answerQuestion, askQuestion, closeQuestion, mergeQuestion } from './question/question.service';
export { draftDigest, publishDigest } from './digest/digest.service';

/**
 * The `info` domain: what residents can trust. The committee's signed notices 居委通知, the information officers'
 * Q&A 问答 and digests 信息简报 (signed like notices).
 */
export const infoSubgraph: SubgraphModule<InfoLoaders> = {
  name: 'info',
  resolvers: [NoticeResolver, CommunityNoticesResolver, QuestionResolver, CommunityQuestionsResolver, DigestResolver, DigestSettingsResolver, CommunityDigestsResolver],
  orphanedTypes: [Community, Compound],
  entities: [Notice, Question, Digest, DigestSetting, IdempotencyRecord],
  migrations,
  createLoaders: (em, community) => createInfoLoaders(em, community),
  references: {
    Notice: ({ id }, ctx) => loadNotice(ctx as never, String(id)),
    Question: ({ id }, ctx) => loadQuestion(ctx as never, String(id)),
    Digest: ({ id }, ctx) => loadDigest(ctx as never, String(id)),
    Community: ({ code }) => ({ code }),
    Compound: (representation) => representation,
  },
  // A digest draft is made by itself once the community's interval has passed, as a job (digest/digest.schedule.ts).
  startBackground: (context) => scheduleDeadlines(context, [digestSchedule(context)]),
};
