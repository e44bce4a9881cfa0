/**
 * Matching: for one task, the volunteers of the community who could take it, ranked. One SQL statement whatever
 * the number of volunteers: great-circle distance from each volunteer's base to the household (PostgreSQL's
 * `earthdistance`), their holds (workload, and whether one overlaps the task's window), and whether a shift covers
 * the window or they are on duty now for a task that starts soon. Hard needs (skills, seats, free in the window,
 * available) filter; the score ranks: metres, plus 1.5 km per task already in hand (see `candidateScore`).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { globalIdOf } from '@lilong/kit';
import type { Skill } from '../volunteer/skill';
import { SKILL_ZH } from '../volunteer/skill';
import type { CareRequest } from './care.entity';
import { candidateScore, needsOf, WORKLOAD_METRES } from './care.rules';

/** A task starting within this long may go to a volunteer on duty now (`available`) without a shift covering it. */
export const ON_DUTY_LEAD_MS = 2 * 60 * 60_000;

export interface CandidateReason {
  factor: 'DISTANCE' | 'WORKLOAD' | 'AVAILABILITY' | 'SKILLS';
  /** Metres this factor adds to the score (0 for the ones that only qualify). */
  metres: number;
  en: string;
  zh: string;
}

export interface Candidate {
  volunteerId: string;
  volunteerLocalId: number;
  displayName: string;
  zone: string;
  community: string;
  distanceMetres: number;
  tasksInHand: number;
  score: number;
  reasons: CandidateReason[];
}

interface Row {
  id: number;
  display_name: string;
  zone: string;
  skills: Skill[];
  vehicle_seats: number;
  distance: number;
  in_hand: string | number;
  /** Raw rows keep timestamps as the driver gives them (a string here). */
  shift_start: Date | string | null;
  shift_end: Date | string | null;
}

const km = (m: number) => (m / 1000).toFixed(1);

/** What matching needs of a task: where it starts, when, and what it needs (a request of this or another community). */
export type MatchTask = Pick<CareRequest, 'kind' | 'passengers' | 'wheelchair' | 'windowStart' | 'windowEnd'> & { lat: number; lng: number };

export const matchTaskOf = (request: CareRequest): MatchTask => ({
  kind: request.kind,
  passengers: request.passengers,
  wheelchair: request.wheelchair,
  windowStart: request.windowStart,
  windowEnd: request.windowEnd,
  lat: request.place.lat,
  lng: request.place.lng,
});

/** Candidates for `task`, best first, at most `first`; `now` decides who is on duty for a task that starts soon. */
export async function candidatesFor(em: EntityManager, community: string, task: MatchTask, first: number, now: Date): Promise<Candidate[]> {
  const needs = needsOf(task);
  const onDutyCounts = task.windowStart.getTime() <= now.getTime() + ON_DUTY_LEAD_MS;
  const rows: Row[] = await em.getConnection().execute(
    `select * from (
       select v.id, v.display_name, v.zone, v.skills, v.vehicle_seats,
              earth_distance(ll_to_earth(?, ?), ll_to_earth(v.base_lat, v.base_lng)) as distance,
              (select count(*) from care_commitment c where c.volunteer_id = v.id and c.state = 'HELD') as in_hand,
              s.starts_at as shift_start, s.ends_at as shift_end
         from volunteer v
         left join lateral (
           select starts_at, ends_at from shift
            where shift.volunteer_id = v.id and shift.starts_at <= ? and shift.ends_at >= ?
            order by starts_at limit 1
         ) s on true
        where v.base_lat is not null and v.base_lng is not null
          and v.skills @> ?::text[] and v.vehicle_seats >= ?
          and (s.starts_at is not null or (v.available and ?))
          and not exists (
            select 1 from care_commitment c
             where c.volunteer_id = v.id and c.state = 'HELD' and c.window_start < ? and c.window_end > ?)
     ) candidate
     order by distance + ? * in_hand, id
      limit ?`,
    [
      task.lat, task.lng,
      task.windowStart, task.windowEnd,
      `{${needs.skills.join(',')}}`, needs.seats,
      onDutyCounts,
      task.windowEnd, task.windowStart,
      WORKLOAD_METRES,
      first,
    ],
  );
  return rows.map((row) => {
    const distanceMetres = Math.round(Number(row.distance));
    const tasksInHand = Number(row.in_hand);
    const reasons: CandidateReason[] = [
      { factor: 'DISTANCE', metres: distanceMetres, en: `${km(distanceMetres)} km from the household`, zh: `距求助家庭 ${km(distanceMetres)} 公里` },
      tasksInHand === 0
        ? { factor: 'WORKLOAD', metres: 0, en: 'no other task in hand', zh: '手头没有其他任务' }
        : { factor: 'WORKLOAD', metres: tasksInHand * WORKLOAD_METRES, en: `${tasksInHand} other task(s) in hand (+${km(tasksInHand * WORKLOAD_METRES)} km)`, zh: `手头另有 ${tasksInHand} 个任务（+${km(tasksInHand * WORKLOAD_METRES)} 公里）` },
      row.shift_start
        ? { factor: 'AVAILABILITY', metres: 0, en: `on shift ${new Date(row.shift_start).toISOString()} to ${new Date(row.shift_end!).toISOString()}, covering the window`, zh: `值班时段覆盖任务时间` }
        : { factor: 'AVAILABILITY', metres: 0, en: 'on duty now, and the task starts within two hours', zh: '当前在岗，任务两小时内开始' },
      {
        factor: 'SKILLS',
        metres: 0,
        en: `${needs.skills.join(', ')}${needs.seats > 0 ? `, ${row.vehicle_seats} seat(s) for ${needs.seats}` : ''}`,
        zh: `${needs.skills.map((s) => SKILL_ZH[s]).join('、')}${needs.seats > 0 ? `，${row.vehicle_seats} 个座位（需 ${needs.seats} 个）` : ''}`,
      },
    ];
    return {
      volunteerId: globalIdOf(community, 'Volunteer', row.id),
      volunteerLocalId: row.id,
      displayName: row.display_name,
      zone: row.zone,
      community,
      distanceMetres,
      tasksInHand,
      score: candidateScore(distanceMetres, tasksInHand),
      reasons,
    };
  });
}
