import { globalIdOf } from '@lilong/kit';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Compound } from '../compound/compound.entity';
import { addressLabelOf, type Tenure } from '../household/household.entity';
import { coverageOf, type Coverage, type ReachFact } from './coverage.rules';
import { CompoundSurvey } from './survey.entity';

interface Row {
  compounds: Record<string, unknown>[];
  with_group: number[];
  /** [id, compound_id, building, unit, room, tenure] */
  households: [number, number, string, string, string, Tenure][];
  surveys: Record<string, unknown>[];
}

/** A row of to_jsonb, its timestamps back to Dates, mapped to the entity (so its field resolvers apply as usual). */
function mapped<T extends object>(em: EntityManager, entity: new () => T, row: Record<string, unknown>, dates: string[]): T {
  const copy = { ...row };
  for (const key of dates) if (typeof copy[key] === 'string') copy[key] = new Date(copy[key] as string);
  return em.map(entity, copy) as T;
}

/**
 * The community's coverage report (rules: coverage.rules.ts), from its records in one SQL statement: every compound,
 * which ones have a group, every household, every survey. `reach` is what the communities' shops answered
 * (Community.orderReach, in the representation the hub sends).
 */
export async function coverageReport(
  em: EntityManager,
  community: string,
  reach: readonly ReachFact[] | null,
  days: number,
  now = new Date(),
): Promise<Coverage<Compound, CompoundSurvey>> {
  const [row]: Row[] = await em.getConnection().execute(
    `select coalesce((select jsonb_agg(to_jsonb(c) order by c.id) from compound c), '[]') as compounds,
            coalesce((select jsonb_agg(distinct g.compound_id) from mutual_aid_group g), '[]') as with_group,
            coalesce((select jsonb_agg(jsonb_build_array(h.id, h.compound_id, h.building, h.unit, h.room, h.tenure) order by h.id) from household h), '[]') as households,
            coalesce((select jsonb_agg(to_jsonb(s) order by s.surveyed_at desc, s.id desc) from compound_survey s), '[]') as surveys`,
  );
  return coverageOf(
    {
      compounds: row!.compounds.map((c) => mapped(em, Compound, c, ['created_at'])),
      compoundsWithGroup: new Set(row!.with_group.map(Number)),
      households: row!.households.map(([id, compoundId, building, unit, room, tenure]) => ({
        localId: id,
        id: globalIdOf(community, 'Household', id),
        compoundLocalId: compoundId,
        address: addressLabelOf({ building, unit, room }),
        building,
        tenure,
      })),
      surveys: row!.surveys.map((s) => mapped(em, CompoundSurvey, s, ['surveyed_at'])),
      reach: reach?.map((r) => ({
        community: r.community,
        since: new Date(r.since),
        households: r.households.map((h) => ({ householdId: h.householdId, lastReachedAt: new Date(h.lastReachedAt) })),
      })) ?? null,
    },
    days,
    now,
  );
}
