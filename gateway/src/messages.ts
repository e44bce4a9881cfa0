/** Words the hub's own messages use, in Chinese: a Chinese message names no English code or subgraph. */

/** What each domain subgraph holds, as a resident would say it. */
export const SUBGRAPH_ZH: Record<string, string> = {
  groups: '小区与团购群',
  shops: '商户与库存',
  volunteers: '志愿者',
  info: '通知与信息',
  webhooks: '合作应用推送',
};

/** Why a community is unavailable (`extensions.reason`). */
export const REASON_ZH: Record<string, string> = {
  TIMEOUT: '响应超时',
  CONNECTION_FAILED: '无法连接',
  CIRCUIT_OPEN: '连续失败，暂停访问',
  BAD_RESPONSE: '返回内容无效',
  ASSERTION_REFUSED: '拒绝了枢纽凭证',
  SCHEMA_MISMATCH: '接口版本不符',
  SUSPENDED: '已在名录中停用',
  DATABASE_UNAVAILABLE: '数据库无法访问',
};

export const subgraphZh = (name: string): string => SUBGRAPH_ZH[name] ?? '部分';
export const reasonZh = (reason: string): string => REASON_ZH[reason] ?? '原因未知';
