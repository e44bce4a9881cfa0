import { CompoundKind } from '../../compound/compound.entity';
import { Tenure } from '../../household/household.entity';
import { coverageOf, SURVEYED_KINDS, type HouseholdFact } from '../coverage.rules';

const NOW = new Date('2026-04-20T12:00:00Z');
const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000);

const lane = { localId: 1, name: '法华里', kind: CompoundKind.LANE_HOUSES };
const rental = { localId: 2, name: '幸福路青年公寓', kind: CompoundKind.LONG_TERM_RENTAL };
const h = (localId: number, compoundLocalId: number, address: string, tenure: Tenure): HouseholdFact => ({
  localId, id: `fahua:Household:${localId}`, compoundLocalId, address, building: address.split('-')[0]!, tenure,
});
const households = [h(1, 1, '5-前楼', Tenure.OWNER), h(2, 1, '5-亭子间', Tenure.TENANT), h(3, 2, '1-301', Tenure.TENANT), h(4, 2, '1-302', Tenure.TENANT)];

describe('coverageOf', () => {
  it('counts the latest sign-up any community reports, at or after the start of the period', () => {
    const report = coverageOf(
      {
        compounds: [rental, lane],
        compoundsWithGroup: new Set([1]),
        households,
        surveys: [],
        reach: [
          // fahua's own shops reached 5-前楼 ten days ago; xinhua-1's reached it again two days ago.
          { community: 'fahua', since: daysAgo(90), households: [{ householdId: 'fahua:Household:1', lastReachedAt: daysAgo(10) }, { householdId: 'fahua:Household:3', lastReachedAt: daysAgo(7) }] },
          { community: 'xinhua-1', since: daysAgo(90), households: [{ householdId: 'fahua:Household:1', lastReachedAt: daysAgo(2) }, { householdId: 'xinhua-1:Household:1', lastReachedAt: daysAgo(1) }] },
        ],
      },
      7,
      NOW,
    );
    // 1-301 was reached exactly at the start of the period: it counts.
    expect(report.householdsNotReached.map((x) => [x.compound.name, x.address, x.lastReachedAt])).toEqual([
      ['法华里', '5-亭子间', null],
      ['幸福路青年公寓', '1-302', null],
    ]);
    expect(report.counts).toEqual({
      households: 4,
      reached: 2,
      notReached: 2,
      byTenure: [
        { tenure: Tenure.OWNER, households: 1, reached: 1, notReached: 0 },
        { tenure: Tenure.TENANT, households: 3, reached: 1, notReached: 2 },
        { tenure: Tenure.OTHER, households: 0, reached: 0, notReached: 0 },
      ],
    });
    expect(report.compoundsWithoutGroup).toEqual([{ compound: rental, householdCount: 2, householdsNotReached: 1 }]);
    expect(report.reachCountedFrom).toEqual(['fahua', 'xinhua-1']);
    // One day shorter, 1-301's sign-up is before the period: not reached, and the report says when it last was.
    const shorter = coverageOf({ compounds: [rental, lane], compoundsWithGroup: new Set([1]), households, surveys: [], reach: [{ community: 'fahua', since: daysAgo(90), households: [{ householdId: 'fahua:Household:3', lastReachedAt: daysAgo(7) }] }] }, 6, NOW);
    expect(shorter.householdsNotReached.find((x) => x.address === '1-301')?.lastReachedAt).toEqual(daysAgo(7));
  });

  it('lists every kind but OTHER until a survey of it is recorded, whatever compounds are registered', () => {
    const survey = { kind: CompoundKind.LONG_TERM_RENTAL, surveyedAt: daysAgo(3), found: 2 };
    const older = { kind: CompoundKind.LONG_TERM_RENTAL, surveyedAt: daysAgo(30), found: 1 };
    const report = coverageOf({ compounds: [rental, lane], compoundsWithGroup: new Set(), households, surveys: [older, survey], reach: null }, 7, NOW);
    expect(SURVEYED_KINDS).not.toContain(CompoundKind.OTHER);
    // 法华里 is registered, but nobody surveyed for lane houses.
    expect(report.kindsNeverSurveyed).toEqual([CompoundKind.LANE_HOUSES, CompoundKind.OLD_PUBLIC_HOUSING, CompoundKind.COMMODITY_HOUSING, CompoundKind.SHOPFRONT_DWELLINGS]);
    expect(report.surveys).toEqual([survey, older]);
    expect(report.kinds.find((k) => k.kind === CompoundKind.LONG_TERM_RENTAL)).toEqual({ kind: CompoundKind.LONG_TERM_RENTAL, compounds: 1, compoundsWithoutGroup: 1, households: 2, surveyed: true, lastSurvey: survey });
    expect(report.kinds.find((k) => k.kind === CompoundKind.OTHER)).toMatchObject({ compounds: 0, surveyed: false });
    // No community answered: nobody counts as reached, and the report says whose orders it counted (none).
    expect(report.counts.reached).toBe(0);
    expect(report.reachCountedFrom).toEqual([]);
  });
});
