import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Community } from '../community/community.type';
import { Compound, CompoundKind } from '../compound/compound.entity';
import { Tenure } from '../household/household.entity';
import { CompoundSurvey } from './survey.entity';

@ObjectType({ description: 'A compound with no mutual-aid group 无互助群的小区: nobody runs sign-up lists there.' })
export class CompoundWithoutGroup {
  @Field(() => Compound)
  compound!: Compound;

  @Field(() => Int, { description: 'Households registered in it.' })
  householdCount!: number;

  @Field(() => Int, { description: 'Of those, households no group order reached in the period.' })
  householdsNotReached!: number;
}

@ObjectType({ description: 'A household no group order reached in the period 未覆盖住户: its address (building-unit-room), never a name.' })
export class HouseholdNotReached {
  @Field(() => ID)
  householdId!: string;

  @Field({ description: 'Building-unit-room 楼号-单元-室, e.g. "12-3-402".' })
  address!: string;

  @Field({ description: 'Building 楼号: for walking the list building by building.' })
  building!: string;

  @Field(() => Tenure)
  tenure!: Tenure;

  @Field(() => Compound)
  compound!: Compound;

  @Field(() => Date, { nullable: true, description: 'Its latest sign-up that counts, before the period; null when none in the last 90 days.' })
  lastReachedAt!: Date | null;
}

@ObjectType({ description: 'Households of one tenure 居住性质: registered, reached, not reached.' })
export class TenureCoverage {
  @Field(() => Tenure)
  tenure!: Tenure;

  @Field(() => Int)
  households!: number;

  @Field(() => Int)
  reached!: number;

  @Field(() => Int)
  notReached!: number;
}

@ObjectType({ description: 'Households registered, reached by a group order in the period, and not reached 户数统计.' })
export class CoverageCounts {
  @Field(() => Int)
  households!: number;

  @Field(() => Int)
  reached!: number;

  @Field(() => Int)
  notReached!: number;

  @Field(() => [TenureCoverage], { description: 'Per tenure, every tenure listed (0 included): owners 业主, tenants 租户, other 其他.' })
  byTenure!: TenureCoverage[];
}

@ObjectType({ description: 'One kind of compound in the community 各类小区: how many are registered, without a group, and when the committee last surveyed for it.' })
export class KindCoverage {
  @Field(() => CompoundKind)
  kind!: CompoundKind;

  @Field(() => Int, { description: 'Compounds of the kind registered.' })
  compounds!: number;

  @Field(() => Int)
  compoundsWithoutGroup!: number;

  @Field(() => Int, { description: 'Households registered in compounds of the kind.' })
  households!: number;

  @Field({ description: 'Whether any survey of the kind was recorded (never asked of OTHER).' })
  surveyed!: boolean;

  @Field(() => CompoundSurvey, { nullable: true, description: 'The latest survey of the kind: compare `found` with `compounds`.' })
  lastSurvey!: CompoundSurvey | null;
}

@ObjectType({
  description:
    "A community's coverage report 覆盖情况: compounds without a group, households no group order reached in the last `days` days, and kinds of compound never surveyed 未摸排, so the committee sees who is being missed 不漏一户.",
})
export class CoverageReport {
  @Field({ description: 'When the report was made.' })
  takenAt!: Date;

  @Field(() => Int, { description: 'The period looked at, in days before takenAt.' })
  days!: number;

  @Field({ description: 'takenAt minus days: a sign-up at or after it reached its household.' })
  reachedSince!: Date;

  @Field(() => [CompoundWithoutGroup], { description: 'By compound name.' })
  compoundsWithoutGroup!: CompoundWithoutGroup[];

  @Field(() => [HouseholdNotReached], {
    description:
      'Registered households without a sign-up that counts in the period, at a shop of any community: not withdrawn, in an order that has not failed, not left with nothing by a pool. By compound, then address.',
  })
  householdsNotReached!: HouseholdNotReached[];

  @Field(() => CoverageCounts)
  counts!: CoverageCounts;

  @Field(() => [CompoundKind], {
    description: 'Kinds of compound the committee never recorded a survey of (recordCompoundSurvey); OTHER is not a kind one surveys for, so never listed. A registered compound is not a survey.',
  })
  kindsNeverSurveyed!: CompoundKind[];

  @Field(() => [KindCoverage], { description: 'Every kind of compound, in a fixed order.' })
  kinds!: KindCoverage[];

  @Field(() => [CompoundSurvey], { description: 'Surveys of the community, newest first (at most 50).' })
  surveys!: CompoundSurvey[];

  @Field(() => [Community], {
    description: "Communities whose group orders were counted. One that did not answer is missing (a COMMUNITY_UNAVAILABLE error names it): households only its shops reached show as not reached.",
  })
  reachCountedFrom!: Community[];
}
