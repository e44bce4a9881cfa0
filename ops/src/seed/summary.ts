// What seeding a community reports; its own module (no ORM), so a launcher that seeds nothing can say so.

/** Rows inserted by one `seedCommunity` call (all 0 when `skipped`). */
export interface SeedSummary {
  community: string;
  compounds: number;
  households: number;
  groups: number;
  shops: number;
  products: number;
  volunteers: number;
  /** Volunteers' shifts 值班时段. */
  shifts: number;
  /** People with a role in the community's records (memberships), and delegations (代办). */
  people: number;
  delegations: number;
  /** Care requests 求助 (a series' trips included) and recurring trips 定期就医. */
  careRequests: number;
  careSeries: number;
  /** Surveys 摸排 of the community for kinds of compound. */
  surveys: number;
  /** Committee notices 居委通知, signed (none without the node's notice key). */
  notices: number;
  /** Residents' questions 问答 (answered, merged and open ones) and published digests 信息简报 (none without the key). */
  questions: number;
  digests: number;
  /** The node already had compounds, so nothing was inserted. */
  skipped: boolean;
}

/** One line for the console, in English and Chinese, e.g. "xinhua-1: 4 compounds 小区, 32 households 户, ...". */
export function seedSummaryLine(summary: SeedSummary | { community: string; skipped: true }): string {
  if (summary.skipped) return `${summary.community}: already has data, seeding skipped 已有数据，跳过初始化`;
  const parts: [number, string, string][] = [
    [summary.compounds, 'compounds', '小区'],
    [summary.households, 'households', '户'],
    [summary.groups, 'groups', '互助群'],
    [summary.surveys, 'surveys', '摸排记录'],
    [summary.shops, 'shops', '商户'],
    [summary.products, 'products', '商品'],
    [summary.volunteers, 'volunteers', '志愿者'],
    [summary.shifts, 'shifts', '值班时段'],
    [summary.people, 'people with roles', '登记身份的人'],
    [summary.delegations, 'delegations', '代办授权'],
    [summary.careRequests, 'care requests', '求助'],
    [summary.careSeries, 'care series', '定期就医'],
    [summary.notices, 'signed notices', '签名通知'],
    [summary.questions, 'questions', '居民提问'],
    [summary.digests, 'signed digests', '签名简报'],
  ];
  return `${summary.community}: ${parts.map(([n, en, zh]) => `${n} ${en} ${zh}`).join(', ')}`;
}
