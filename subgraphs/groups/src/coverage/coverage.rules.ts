/**
 * The coverage report 覆盖情况 of one community: who is being missed (DOMAIN.md: owners and tenants, people in
 * long-term rental apartments and shopfronts: none may fall off a distribution list). Every rule in one place:
 *
 * - **Compounds without a group**: compounds of the community with no mutual-aid group 互助群. Nobody runs sign-up
 *   lists there, so its households depend on someone else's group (they cannot sign up for another compound's
 *   orders). A group, once started, is never deleted; starting one takes the compound off this list.
 * - **Households not reached**: registered households that no group order reached in the last `days` days (1 to
 *   MAX_COVERAGE_DAYS). "Reached" is decided where the sign-ups are, in the shops domain of every community (a
 *   household may sign up at a shop of another community; see shops/src/reach/reach.service.ts): a sign-up not
 *   withdrawn, in an order that has not failed, not left with nothing by a pool, at its sign-up time. Each community
 *   answers with when it last reached each household (within its own window, `since`); the latest answer counts. A
 *   household is reached when that time is at or after `takenAt - days`. Households of a compound without a group
 *   are listed like any other: none of them can be reached until someone starts a group there.
 * - **Counts**: households registered, reached, not reached; the same per tenure 居住性质 (owners, tenants, other),
 *   every tenure listed, even at 0, so that "tenants: 0 reached" is visible.
 * - **Kinds never surveyed**: kinds of compound the committee has no survey 摸排 record of (recordCompoundSurvey).
 *   A registered compound of a kind is not a survey of it: one rental building on the list says nothing about the
 *   ones nobody registered, which is exactly how they are forgotten. OTHER is not a kind one can survey for (it is
 *   whatever the other kinds are not), so it is never listed. A survey that found none counts: someone looked.
 * - **Whose orders were counted**: the communities that answered. A community that is down does not, and the hub
 *   says so with a COMMUNITY_UNAVAILABLE error: households that only its shops reached show as not reached.
 *
 * Lists are in a stable order: compounds by name, households by compound name then address (both by pinyin, numbers
 * by value), kinds in the order of the CompoundKind enum, surveys newest first.
 */
import { CompoundKind } from '../compound/compound.entity';
import { Tenure } from '../household/household.entity';

/** The longest look back: the window each community's shops answer for (REACH_WINDOW_DAYS in the shops domain). */
export const MAX_COVERAGE_DAYS = 90;
export const DEFAULT_COVERAGE_DAYS = 7;
/** The surveys the report lists, newest first. */
export const MAX_REPORTED_SURVEYS = 50;

const DAY_MS = 86_400_000;

/** Kinds a committee surveys its community for: every kind but OTHER. */
export const SURVEYED_KINDS: readonly CompoundKind[] = Object.values(CompoundKind).filter((k) => k !== CompoundKind.OTHER);

export interface CompoundFact {
  localId: number;
  name: string;
  kind: CompoundKind;
}

export interface HouseholdFact {
  localId: number;
  /** The household's global ID: how sign-ups name it. */
  id: string;
  compoundLocalId: number;
  /** Building-unit-room, e.g. "12-3-402". */
  address: string;
  building: string;
  tenure: Tenure;
}

export interface SurveyFact {
  kind: CompoundKind;
  surveyedAt: Date;
}

/** One community's answer about its group orders (Community.orderReach, fetched by the hub). */
export interface ReachFact {
  community: string;
  since: Date;
  households: { householdId: string; lastReachedAt: Date }[];
}

export interface CoverageFacts<C extends CompoundFact, S extends SurveyFact> {
  compounds: C[];
  /** Local IDs of the compounds that have at least one group. */
  compoundsWithGroup: ReadonlySet<number>;
  households: HouseholdFact[];
  /** Every survey of the community, any order. */
  surveys: S[];
  /** The communities' answers; null or empty when none answered. */
  reach: readonly ReachFact[] | null;
}

export interface TenureCount {
  tenure: Tenure;
  households: number;
  reached: number;
  notReached: number;
}

export interface Coverage<C extends CompoundFact, S extends SurveyFact> {
  takenAt: Date;
  days: number;
  /** `takenAt - days`: a sign-up at or after it reached its household. */
  reachedSince: Date;
  compoundsWithoutGroup: { compound: C; householdCount: number; householdsNotReached: number }[];
  householdsNotReached: (HouseholdFact & { householdId: string; compound: C; lastReachedAt: Date | null })[];
  counts: { households: number; reached: number; notReached: number; byTenure: TenureCount[] };
  kindsNeverSurveyed: CompoundKind[];
  kinds: { kind: CompoundKind; compounds: number; compoundsWithoutGroup: number; households: number; surveyed: boolean; lastSurvey: S | null }[];
  surveys: S[];
  reachCountedFrom: string[];
}

/** Chinese names and addresses as people sort them: by pinyin, numbers by value ("2-101" before "10-101"). */
const byText = new Intl.Collator('zh-Hans-CN', { numeric: true }).compare;

export function coverageOf<C extends CompoundFact, S extends SurveyFact>(facts: CoverageFacts<C, S>, days: number, takenAt: Date): Coverage<C, S> {
  const reachedSince = new Date(takenAt.getTime() - days * DAY_MS);
  const lastReached = new Map<string, Date>();
  for (const answer of facts.reach ?? []) {
    for (const { householdId, lastReachedAt } of answer.households) {
      const seen = lastReached.get(householdId);
      if (!seen || lastReachedAt > seen) lastReached.set(householdId, lastReachedAt);
    }
  }
  const compounds = [...facts.compounds].sort((a, b) => byText(a.name, b.name) || a.localId - b.localId);
  const compoundOf = new Map(compounds.map((c) => [c.localId, c]));
  const households = facts.households.filter((h) => compoundOf.has(h.compoundLocalId));
  const isReached = (h: HouseholdFact) => {
    const at = lastReached.get(h.id);
    return at !== undefined && at >= reachedSince;
  };

  const notReached = households
    .filter((h) => !isReached(h))
    .map((h) => ({ ...h, householdId: h.id, compound: compoundOf.get(h.compoundLocalId)!, lastReachedAt: lastReached.get(h.id) ?? null }))
    .sort((a, b) => byText(a.compound.name, b.compound.name) || a.compoundLocalId - b.compoundLocalId || byText(a.address, b.address));

  const perCompound = new Map<number, { households: number; notReached: number }>();
  for (const h of households) {
    const n = perCompound.get(h.compoundLocalId) ?? { households: 0, notReached: 0 };
    n.households += 1;
    if (!isReached(h)) n.notReached += 1;
    perCompound.set(h.compoundLocalId, n);
  }
  const withoutGroup = compounds.filter((c) => !facts.compoundsWithGroup.has(c.localId));

  const byTenure = Object.values(Tenure).map((tenure): TenureCount => {
    const of = households.filter((h) => h.tenure === tenure);
    const reached = of.filter(isReached).length;
    return { tenure, households: of.length, reached, notReached: of.length - reached };
  });
  const reachedCount = households.length - notReached.length;

  const surveys = [...facts.surveys].sort((a, b) => b.surveyedAt.getTime() - a.surveyedAt.getTime());
  const lastSurveyOf = (kind: CompoundKind) => surveys.find((s) => s.kind === kind) ?? null;
  const kinds = Object.values(CompoundKind).map((kind) => {
    const of = compounds.filter((c) => c.kind === kind);
    return {
      kind,
      compounds: of.length,
      compoundsWithoutGroup: of.filter((c) => !facts.compoundsWithGroup.has(c.localId)).length,
      households: of.reduce((n, c) => n + (perCompound.get(c.localId)?.households ?? 0), 0),
      surveyed: lastSurveyOf(kind) !== null,
      lastSurvey: lastSurveyOf(kind),
    };
  });

  return {
    takenAt,
    days,
    reachedSince,
    compoundsWithoutGroup: withoutGroup.map((compound) => ({
      compound,
      householdCount: perCompound.get(compound.localId)?.households ?? 0,
      householdsNotReached: perCompound.get(compound.localId)?.notReached ?? 0,
    })),
    householdsNotReached: notReached,
    counts: { households: households.length, reached: reachedCount, notReached: notReached.length, byTenure },
    kindsNeverSurveyed: SURVEYED_KINDS.filter((kind) => lastSurveyOf(kind) === null),
    kinds,
    surveys: surveys.slice(0, MAX_REPORTED_SURVEYS),
    reachCountedFrom: [...new Set((facts.reach ?? []).map((r) => r.community))].sort(),
  };
}
