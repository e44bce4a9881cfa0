import { forbidden, globalIdOf, requireInt, requireSignedIn, watchesOver } from '@lilong/kit';
import { Arg, Authorized, Ctx, Directive, FieldResolver, ID, Int, Mutation, Resolver, Root } from 'type-graphql';
import { requireCommittee } from '../access';
import { Community } from '../community/community.type';
import type { GroupsContext } from '../loaders';
import { DEFAULT_COVERAGE_DAYS, MAX_COVERAGE_DAYS } from './coverage.rules';
import { coverageReport } from './coverage.service';
import { CoverageReport } from './coverage.types';
import { CompoundSurvey } from './survey.entity';
import { RecordCompoundSurveyInput } from './survey.inputs';
import { recordCompoundSurvey } from './survey.service';

@Resolver(() => Community)
export class CommunityCoverageResolver {
  @Authorized()
  @FieldResolver(() => CoverageReport, {
    nullable: true,
    description:
      "Who is being missed 不漏一户 (committee staff and information officers of the community, sub-district staff; others get FORBIDDEN). Null when the community is unavailable. `days`: 1-90.",
  })
  @Directive('@requires(fields: "orderReach { community since households { householdId lastReachedAt } }")')
  async coverage(
    @Root() community: Community,
    @Arg('days', () => Int, { defaultValue: DEFAULT_COVERAGE_DAYS, description: 'The period: households no group order reached in these many days before now.' }) days: number,
    @Ctx() ctx: GroupsContext,
  ): Promise<CoverageReport | null> {
    if (community.code !== ctx.community) return null;
    requireSignedIn(ctx.claims);
    if (!watchesOver(ctx.claims, ctx.community)) {
      throw forbidden(
        "a community's coverage report is for its committee staff and information officers, and sub-district staff",
        '社区覆盖情况仅本社区居委会工作人员、信息员和街道工作人员可见',
      );
    }
    requireInt(days, 'days', 1, MAX_COVERAGE_DAYS);
    const report = await coverageReport(ctx.em, ctx.community, community.orderReach ?? null, days);
    return { ...report, reachCountedFrom: report.reachCountedFrom.map((code) => ({ code })) };
  }
}

@Resolver(() => CompoundSurvey)
export class CompoundSurveyResolver {
  @FieldResolver(() => ID)
  id(@Root() survey: CompoundSurvey, @Ctx() ctx: GroupsContext): string {
    return globalIdOf(ctx.community, 'CompoundSurvey', survey.localId);
  }

  @Mutation(() => CompoundSurvey, {
    description: 'Records that committee staff surveyed the community for a kind of compound 摸排 and how many they found (committee staff). Audited: who, when.',
  })
  @Directive('@routeBy(arg: "input.community")')
  async recordCompoundSurvey(@Arg('input') input: RecordCompoundSurveyInput, @Ctx() ctx: GroupsContext): Promise<CompoundSurvey> {
    requireCommittee(ctx);
    return recordCompoundSurvey(ctx, input);
  }
}
