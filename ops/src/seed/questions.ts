/**
 * The demo's Q&A 问答 and first digest 信息简报, made through the info domain's own services (the same rules as
 * `askQuestion`, `answerQuestion`, `mergeQuestion`, `draftDigest` and `publishDigest` through the hub): residents of
 * the first households ask; the information officer answers two, merges a duplicate and leaves one open; then the
 * officer drafts the community's first digest from what happened (the notices, the answers, the other domains' news)
 * and publishes it, signed with the community's key.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { claimsFor, type Claims, type DocumentSigner, type NewsLookup, type PlaceLookup } from '@lilong/kit';
import { groupsSubgraph, rolesFor } from '@lilong/groups';
import { shopsSubgraph } from '@lilong/shops';
import { volunteersSubgraph } from '@lilong/volunteers';
import { answerQuestion, askQuestion, draftDigest, infoSubgraph, mergeQuestion, publishDigest, type InfoContext } from '@lilong/info';
import { DEMO_ISSUER, demoSubject } from '../demo-people';
import type { SeedOrms } from './seed';

interface DemoQuestion {
  text: string;
  answer?: string;
  /** A duplicate of the question at this index, merged into it. */
  duplicateOf?: number;
}

export const DEMO_QUESTIONS: readonly DemoQuestion[] = [
  { text: '保供蔬菜包需要自己下楼领取吗？', answer: '不需要，志愿者按楼送到家门口，请留意楼组群通知。' },
  { text: '家里老人需要定期透析，封控期间怎么去医院？', answer: '请在里弄登记“就医接送”求助，居委会安排志愿车队按透析时间接送。' },
  { text: '菜包是送上门还是要下楼拿？', duplicateOf: 0 },
  { text: '小区门口的快递什么时候可以取？' },
];

export interface SeededQuestions {
  questions: number;
  digests: number;
}

/** Asks, answers and merges the demo questions, then publishes the first digest. Needs the node's notice key. */
export async function seedCommunityQuestions(orms: SeedOrms, code: string, householdIds: readonly string[], signer: DocumentSigner, issuer = DEMO_ISSUER): Promise<SeededQuestions> {
  if (householdIds.length === 0) return { questions: 0, digests: 0 };
  const places: PlaceLookup = (lookup) => groupsSubgraph.places!(orms.groups.em.fork({ disableContextResolution: true }) as EntityManager, code, lookup);
  const news: NewsLookup = async (period) => {
    const domains = [
      [shopsSubgraph, orms.shops],
      [volunteersSubgraph, orms.volunteers],
    ] as const;
    const parts = await Promise.all(domains.map(([module, orm]) => module.news!(orm.em.fork() as never, code, period)));
    return parts.flat().sort((a, b) => a.at.getTime() - b.at.getTime());
  };
  const claimsOf = async (subject: string): Promise<Claims> => {
    const who = { issuer, subject };
    return claimsFor(who, await rolesFor(orms.groups.em.fork() as EntityManager, code, who));
  };
  const contextOf = (claims: Claims): InfoContext => {
    const em = orms.info.em.fork() as EntityManager;
    return { community: code, em, loaders: infoSubgraph.createLoaders(em, code), claims, signal: new AbortController().signal, places, signer, news };
  };
  const officer = await claimsOf(demoSubject('info-officer-of', code));
  const asked: string[] = [];
  for (const [i, question] of DEMO_QUESTIONS.entries()) {
    const householdId = householdIds[i % householdIds.length]!;
    const resident = await claimsOf(demoSubject('resident-of', householdId));
    const row = await askQuestion(contextOf(resident), { householdId, text: question.text });
    const id = `${code}:Question:${row.localId}`;
    asked.push(id);
    if (question.answer) await answerQuestion(contextOf(officer), { questionId: id, answer: question.answer });
    if (question.duplicateOf !== undefined) await mergeQuestion(contextOf(officer), { questionId: id, intoId: asked[question.duplicateOf]! });
  }
  const draft = await draftDigest(contextOf(officer), { community: code });
  await publishDigest(contextOf(officer), { digestId: `${code}:Digest:${draft.localId}` });
  return { questions: asked.length, digests: 1 };
}
