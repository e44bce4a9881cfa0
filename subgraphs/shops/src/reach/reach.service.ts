import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { isCommunityCode } from '@lilong/schema';
import { GroupOrderStatus } from '../order/order.enums';
import type { HouseholdReach } from './reach.types';

/**
 * How far back this node looks for sign-ups, in days. The groups domain's coverage report asks for at most this
 * many days (MAX_COVERAGE_DAYS there); each answer says where its window starts (`OrderReach.since`).
 */
export const REACH_WINDOW_DAYS = 90;

const DAY_MS = 86_400_000;

export interface ReachAnswer {
  since: Date;
  households: HouseholdReach[];
}

/**
 * Which households of the asked communities this node's group orders reached, and when last. A household is
 * reached by a sign-up here that
 *  - is not withdrawn,
 *  - is in a group order that has not failed (open, pooled, formed, confirmed or handed over: an order that fails
 *    later stops counting then), and
 *  - was not left with nothing by a pool's allocation (at least one line allocated a unit, or not allocated yet);
 * at the time of the sign-up (the household's place on the list: `created_at`, which a sign-up after a withdrawal
 * renews), within the last REACH_WINDOW_DAYS days. A sign-up names its household by global ID, so a household of
 * any community is found here by its ID's community prefix.
 *
 * One statement for every community asked in the request (the hub sends all of a query's communities at once).
 */
export function createReachLoader(em: EntityManager, now = () => new Date()) {
  return new DataLoader<string, ReachAnswer>(async (communities) => {
    const since = new Date(now().getTime() - REACH_WINDOW_DAYS * DAY_MS);
    const rows: { household_id: string; last_reached_at: Date }[] = await em.getConnection().execute(
      `select s.household_id, max(s.created_at) as last_reached_at
         from sign_up s
         join group_order o on o.id = s.order_id
        where s.withdrawn_at is null
          and o.status <> ?
          and s.created_at >= ?
          and split_part(s.household_id, ':', 1) = any(?::text[])
          and exists (select 1 from sign_up_line l where l.sign_up_id = s.id and (l.allocated is null or l.allocated > 0))
        group by s.household_id
        order by s.household_id`,
      // Community codes are [a-z0-9-] only (anything else names no community): safe inside the array literal.
      [GroupOrderStatus.FAILED, since, `{${communities.filter(isCommunityCode).join(',')}}`],
    );
    const byCommunity = new Map<string, HouseholdReach[]>(communities.map((c) => [c, []]));
    for (const row of rows) {
      byCommunity.get(row.household_id.split(':')[0]!)?.push({ householdId: row.household_id, lastReachedAt: new Date(row.last_reached_at) });
    }
    return communities.map((c) => ({ since, households: byCommunity.get(c) ?? [] }));
  });
}
