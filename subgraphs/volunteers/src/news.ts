import { raw } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { NewsItem, NewsPeriod } from '@lilong/kit';
import { CareRequest } from './care/care.entity';
import { CARE_KIND_ZH, CareKind, CareStatus } from './care/care.enums';

/**
 * What the volunteers domain tells an information officer's digest about a period: care tasks done (`finishedAt`
 * in the period, status DONE), counted by kind, one CARE_DONE item per kind, dated by the last of them. No address,
 * no household, no volunteer's name: only how many.
 */
export async function volunteersNews(em: EntityManager, _community: string, period: NewsPeriod): Promise<NewsItem[]> {
  const rows = (await em
    .createQueryBuilder(CareRequest, 'r')
    .select(['r.kind', raw('count(*) as done'), raw('max(r.finished_at) as last')])
    .where({ status: CareStatus.DONE, finishedAt: { $gt: period.from, $lte: period.to } })
    .groupBy('r.kind')
    .execute('all', false)) as unknown as { kind: CareKind; done: string | number; last: string | Date }[];
  return rows
    .map((r) => ({
      kind: 'CARE_DONE',
      at: new Date(r.last),
      text: `志愿者完成${CARE_KIND_ZH[r.kind]} ${Number(r.done)} 单`,
      ref: null,
    }))
    .sort((a, b) => a.at.getTime() - b.at.getTime());
}
