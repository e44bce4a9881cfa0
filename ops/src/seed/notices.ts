/**
 * The demo's committee notices 居委通知, published through the info domain's own service (signed with the
 * community's notice key, exactly as `publishNotice` through the hub): a testing notice and its correction (so the
 * first is superseded), a supplies notice for one compound, a medical notice valid for a week.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { claimsFor, type DocumentSigner, type PlaceLookup } from '@lilong/kit';
import { groupsSubgraph, rolesFor } from '@lilong/groups';
import { infoSubgraph, NoticeCategory, publishNotice, type InfoContext } from '@lilong/info';
import { DEMO_ISSUER, demoSubject } from '../demo-people';
import type { SeedOrms } from './seed';

export interface DemoNotice {
  category: NoticeCategory;
  title: string;
  body: string;
  /** Only the community's first compound, not the whole community. */
  firstCompoundOnly?: boolean;
  validDays?: number;
  /** Corrects the notice before it in the list. */
  correctsPrevious?: boolean;
}

export function demoNotices(communityName: string, firstCompound: string): DemoNotice[] {
  return [
    { category: NoticeCategory.TESTING, title: '明日全员核酸检测安排', body: `${communityName}全体居民：明天 7:00-9:00 按楼号分批到各小区门口做核酸，请带好手机和身份证，保持两米间隔。` },
    {
      category: NoticeCategory.TESTING,
      title: '明日全员核酸检测安排（更正）',
      body: `${communityName}全体居民：时间更正为明天 8:00-10:00，地点不变。行动不便的居民请联系楼组长，由医护上门。`,
      correctsPrevious: true,
    },
    { category: NoticeCategory.SUPPLIES, title: '政府保供蔬菜包发放', body: `${firstCompound}居民：今天下午 3 点起由志愿者按楼送菜到门口，每户一份，无需下楼。`, firstCompoundOnly: true, validDays: 2 },
    { category: NoticeCategory.MEDICAL, title: '就医配药绿色通道', body: '需要透析、化疗、产检或急需配药的居民，请在里弄登记求助，居委会安排志愿车队接送或代配药。', validDays: 7 },
  ];
}

/** Publishes the demo notices of a community as its committee staff; returns how many. Needs the node's notice key. */
export async function seedCommunityNotices(orms: SeedOrms, code: string, communityName: string, firstCompoundId: string, firstCompoundName: string, signer: DocumentSigner, issuer = DEMO_ISSUER): Promise<number> {
  const who = { issuer, subject: demoSubject('committee-of', code) };
  const claims = claimsFor(who, await rolesFor(orms.groups.em.fork() as EntityManager, code, who));
  const places: PlaceLookup = (lookup) => groupsSubgraph.places!(orms.groups.em.fork({ disableContextResolution: true }) as EntityManager, code, lookup);
  let previous: string | null = null;
  let count = 0;
  for (const notice of demoNotices(communityName, firstCompoundName)) {
    const em = orms.info.em.fork() as EntityManager;
    const ctx: InfoContext = { community: code, em, loaders: infoSubgraph.createLoaders(em, code), claims, signal: new AbortController().signal, places, signer };
    const published = await publishNotice(ctx, {
      community: code,
      title: notice.title,
      body: notice.body,
      category: notice.category,
      compoundIds: notice.firstCompoundOnly ? [firstCompoundId] : null,
      validUntil: notice.validDays ? new Date(Date.now() + notice.validDays * 86_400_000) : null,
      supersedes: notice.correctsPrevious ? previous : null,
    });
    previous = `${code}:Notice:${published.localId}`;
    count += 1;
  }
  return count;
}
