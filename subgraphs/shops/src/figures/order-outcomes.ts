/**
 * Group orders formed 成团 and failed 未成团 per day, for the data console: the group orders this community's shops
 * hold (an order lives with its merchant, so each order of the sub-district is counted in exactly one community),
 * by the Shanghai day they closed. Formed means it reached its minimum: FORMED, and the later CONFIRMED and
 * HANDED_OVER. Every day of the period is listed, oldest first, zeros included. One statement.
 */
import { requireInt } from '@lilong/kit';
import type { EntityManager } from '@mikro-orm/postgresql';
import { GroupOrderStatus } from '../order/order.enums';
import { COMMUNITY_TIME_ZONE, SQL_TODAY } from './local-day';

/** The most days a reader may ask for. */
export const ORDER_OUTCOME_MAX_DAYS = 90;

export const FORMED_STATUSES: readonly GroupOrderStatus[] = [GroupOrderStatus.FORMED, GroupOrderStatus.CONFIRMED, GroupOrderStatus.HANDED_OVER];

export interface OrderOutcomeDay {
  /** `YYYY-MM-DD`, Shanghai time. */
  day: string;
  formed: number;
  failed: number;
}

export async function orderOutcomes(em: EntityManager, days: number): Promise<OrderOutcomeDay[]> {
  requireInt(days, 'days', 1, ORDER_OUTCOME_MAX_DAYS);
  const formed = FORMED_STATUSES.map((s) => `'${s}'`).join(', ');
  const rows: { day: string; formed: string; failed: string }[] = await em.getConnection().execute(
    `with period as (
       select generate_series((${SQL_TODAY} - (?::int - 1))::timestamp, ${SQL_TODAY}::timestamp, interval '1 day')::date as day
     ),
     closed as (
       select (o.closed_at at time zone '${COMMUNITY_TIME_ZONE}')::date as day, o.status
         from group_order o
        where o.closed_at >= ((${SQL_TODAY} - (?::int - 1))::timestamp at time zone '${COMMUNITY_TIME_ZONE}')
          and o.status in (${formed}, '${GroupOrderStatus.FAILED}')
     )
     select to_char(p.day, 'YYYY-MM-DD') as day,
            count(c.status) filter (where c.status in (${formed})) as formed,
            count(c.status) filter (where c.status = '${GroupOrderStatus.FAILED}') as failed
       from period p left join closed c on c.day = p.day
      group by p.day
      order by p.day`,
    [days, days],
  );
  return rows.map((r) => ({ day: r.day, formed: Number(r.formed), failed: Number(r.failed) }));
}
