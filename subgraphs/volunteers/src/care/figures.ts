/**
 * Care figures of one community for the data console, per dispatch zone: open requests by kind and urgency, how
 * long requests waited for a volunteer and took to be done (medians over the last 7 days, per zone and for the whole community),
 * volunteers available now, and tasks borrowed in from and lent out to other communities' volunteers. Four statements.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { CareKind, Urgency } from './care.enums';

export const FIGURES_DAYS = 7;

/** The zone figures use for requests and volunteers without one. */
export const NO_ZONE = '';

export interface OpenCount {
  kind: CareKind;
  urgency: Urgency;
  count: number;
}

export interface ZoneFigures {
  zone: string;
  open: OpenCount[];
  /** Median minutes from the request to a volunteer's acceptance; null with none accepted in the period. */
  medianMinutesToAccept: number | null;
  medianMinutesToDone: number | null;
  volunteersAvailableNow: number;
  /** Tasks of this community taken by volunteers of other communities, in the period. */
  borrowedIn: number;
  /** Tasks of other communities taken by this community's volunteers, in the period. */
  lentOut: number;
}

export interface CareFigures {
  takenAt: Date;
  days: number;
  /** The same medians as the zones', over every request of the community. */
  medianMinutesToAccept: number | null;
  medianMinutesToDone: number | null;
  zones: ZoneFigures[];
}

export async function careFigures(em: EntityManager, community: string, now: Date): Promise<CareFigures> {
  const since = new Date(now.getTime() - FIGURES_DAYS * 24 * 3600_000);
  const prefix = `${community}:%`;
  const connection = em.getConnection();
  const [requests, volunteers, lent] = await Promise.all([
    connection.execute(
      `select coalesce(zone, '') as zone, kind, urgency,
              count(*) filter (where status in ('SUBMITTED', 'QUEUED', 'OFFERED', 'ACCEPTED', 'UNDER_WAY')) as open,
              count(*) filter (where volunteer_id not like ? and accepted_at >= ?) as borrowed_in
         from care_request
        where status in ('SUBMITTED', 'QUEUED', 'OFFERED', 'ACCEPTED', 'UNDER_WAY') or created_at >= ? or finished_at >= ?
        group by 1, 2, 3`,
      [prefix, since, since, since],
    ),
    connection.execute(
      `select v.zone, count(*) as available
         from volunteer v
        where v.available or exists (select 1 from shift s where s.volunteer_id = v.id and s.starts_at <= ? and s.ends_at > ?)
        group by 1`,
      [now, now],
    ),
    connection.execute(
      `select v.zone, count(*) as lent
         from care_commitment c join volunteer v on v.id = c.volunteer_id
        where c.task_id not like ? and c.created_at >= ?
        group by 1`,
      [prefix, since],
    ),
  ]);
  const zones = new Map<string, ZoneFigures>();
  const zoneOf = (zone: string) => {
    let z = zones.get(zone);
    if (!z) zones.set(zone, (z = { zone, open: [], medianMinutesToAccept: null, medianMinutesToDone: null, volunteersAvailableNow: 0, borrowedIn: 0, lentOut: 0 }));
    return z;
  };
  for (const row of requests as { zone: string; kind: CareKind; urgency: Urgency; open: string; borrowed_in: string }[]) {
    const z = zoneOf(row.zone);
    if (Number(row.open) > 0) z.open.push({ kind: row.kind, urgency: row.urgency, count: Number(row.open) });
    z.borrowedIn += Number(row.borrowed_in);
  }
  // Per zone and, in the same pass (the empty grouping set), for the whole community: a community's median is not
  // a mean of its zones' medians.
  const medians: { zone: string; whole: boolean; to_accept: number | null; to_done: number | null }[] = await connection.execute(
    `select coalesce(zone, '') as zone, grouping(coalesce(zone, '')) = 1 as whole,
            percentile_cont(0.5) within group (order by extract(epoch from accepted_at - created_at) / 60) filter (where accepted_at >= ?) as to_accept,
            percentile_cont(0.5) within group (order by extract(epoch from finished_at - created_at) / 60) filter (where status = 'DONE' and finished_at >= ?) as to_done
       from care_request where accepted_at >= ? or finished_at >= ?
      group by grouping sets ((coalesce(zone, '')), ())`,
    [since, since, since, since],
  );
  const minutes = (value: number | null) => (value === null ? null : Math.round(Number(value) * 10) / 10);
  let medianMinutesToAccept: number | null = null;
  let medianMinutesToDone: number | null = null;
  for (const row of medians) {
    if (row.whole) {
      medianMinutesToAccept = minutes(row.to_accept);
      medianMinutesToDone = minutes(row.to_done);
      continue;
    }
    const z = zoneOf(row.zone);
    z.medianMinutesToAccept = minutes(row.to_accept);
    z.medianMinutesToDone = minutes(row.to_done);
  }
  for (const row of volunteers as { zone: string; available: string }[]) zoneOf(row.zone).volunteersAvailableNow = Number(row.available);
  for (const row of lent as { zone: string; lent: string }[]) zoneOf(row.zone).lentOut = Number(row.lent);
  for (const z of zones.values()) z.open.sort((a, b) => a.kind.localeCompare(b.kind) || a.urgency.localeCompare(b.urgency));
  return { takenAt: now, days: FIGURES_DAYS, medianMinutesToAccept, medianMinutesToDone, zones: [...zones.values()].sort((a, b) => a.zone.localeCompare(b.zone)) };
}
