/**
 * `npm run grant`: records a membership straight in a community's database, as the node's operator. For the one
 * grant the API cannot make: a new community's first committee staff member (after that, committee staff grant
 * everything through `grantMembership`). Goes through the same rule as the API (`recordMembership`), audited as
 * `operator:<user>`.
 */
import os from 'node:os';
import { migrateDomain, openDomainOrm } from '@lilong/kit';
import { groupsSubgraph, MembershipKind, recordMembership } from '@lilong/groups';
import { isCommunityCode } from '@lilong/schema';

export const GRANT_HELP = [
  'usage: DATABASE_URL=postgres://.../<community db> npm run grant -- --community <code> --issuer <iss> --subject <sub> [--kind COMMITTEE]',
  '',
  "Records a membership in the community's own records, as its operator: the first committee staff member of a new",
  'community. Everything else is granted by committee staff through the API (grantMembership).',
  '直接在社区数据库中登记身份（运维操作）：用于新社区的第一位居委会工作人员。其余身份由居委会通过接口登记。',
  '',
  `--kind  one of ${[MembershipKind.COMMITTEE, MembershipKind.DISPATCHER, MembershipKind.INFO_OFFICER].join(', ')} (default COMMITTEE)`,
].join('\n');

export async function grantAsOperator(args: string[], databaseUrl: string | undefined): Promise<string> {
  const value = (flag: string) => {
    const i = args.indexOf(flag);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const community = value('--community');
  const issuer = value('--issuer');
  const subject = value('--subject');
  const kind = (value('--kind') ?? MembershipKind.COMMITTEE) as MembershipKind;
  if (!databaseUrl) throw new Error('DATABASE_URL must name the community database');
  if (!isCommunityCode(community)) throw new Error('--community must be a community code like "tianshan"');
  if (!issuer || issuer.includes('#') || !subject) throw new Error('--issuer (without "#") and --subject are required');
  if (![MembershipKind.COMMITTEE, MembershipKind.DISPATCHER, MembershipKind.INFO_OFFICER].includes(kind)) {
    throw new Error('--kind must be COMMITTEE, DISPATCHER or INFO_OFFICER (other roles name a record: grant them through the API)');
  }
  const orm = await openDomainOrm({ domain: 'groups', databaseUrl, entities: groupsSubgraph.entities, migrations: groupsSubgraph.migrations, poolSize: 2 });
  try {
    await migrateDomain(orm, 'groups');
    const membership = await orm.em.fork().transactional((em) =>
      recordMembership(em as never, community, { issuer, subject }, kind, null, undefined, `operator:${os.userInfo().username}`, 'granted by the node operator'),
    );
    return `${community}:Membership:${membership.localId} ${kind} for ${issuer}#${subject}`;
  } finally {
    await orm.close();
  }
}
