import { badInput, globalIdOf, requireInt, tryLocalId } from '@lilong/kit';
import { Arg, Ctx, Directive, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { requireInformationStaff } from '../access';
import { Community } from '../community/community.type';
import type { InfoContext } from '../loaders';
import { Question, QuestionStatus } from './question.entity';
import { AnswerQuestionInput, AskQuestionInput, CloseQuestionInput, MergeQuestionInput } from './question.inputs';
import { askedFromLabel, QUESTION_LIMITS, waitedMinutes } from './question.rules';
import { answerQuestion, askQuestion, closeQuestion, listQuestions, mergeQuestion, seesAddress } from './question.service';

export async function loadQuestion(ctx: InfoContext, id: string): Promise<Question | null> {
  const localId = tryLocalId(ctx.community, id, 'Question');
  return localId === undefined ? null : ((await ctx.loaders.question.load(localId)) ?? null);
}

@Resolver(() => Question)
export class QuestionResolver {
  @FieldResolver(() => ID)
  id(@Root() question: Question, @Ctx() ctx: InfoContext): string {
    return globalIdOf(ctx.community, 'Question', question.localId);
  }

  @FieldResolver(() => Community)
  community(@Ctx() ctx: InfoContext): Community {
    return { code: ctx.community };
  }

  @FieldResolver(() => String, { description: 'Where it was asked from, coarsely: compound and building, e.g. "新华一村 8号楼" (everyone sees this).' })
  askedFrom(@Root() question: Question): string {
    return askedFromLabel(question.compoundName, question.building);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: "The asking household's building-unit-room 门牌; only the household itself and the community's information staff see it, null for everyone else.",
  })
  address(@Root() question: Question, @Ctx() ctx: InfoContext): string | null {
    return seesAddress(ctx, question) ? question.address : null;
  }

  @FieldResolver(() => Int, { description: 'Minutes the asker waited: until now while open, until the answer once answered, until it was closed or merged otherwise.' })
  waitedMinutes(@Root() question: Question): number {
    return waitedMinutes(question, new Date());
  }

  @FieldResolver(() => Question, { nullable: true, description: 'The question this duplicate was merged into.' })
  async mergedInto(@Root() question: Question, @Ctx() ctx: InfoContext): Promise<Question | null> {
    return question.mergedIntoId === null ? null : ((await ctx.loaders.question.load(question.mergedIntoId)) ?? null);
  }

  @FieldResolver(() => Int, { description: 'How many times it was asked: itself and the duplicates merged into it.' })
  async askedCount(@Root() question: Question, @Ctx() ctx: InfoContext): Promise<number> {
    return 1 + (await ctx.loaders.mergedQuestions.load(question.localId)).length;
  }

  @Query(() => Question, { nullable: true, description: 'A question, for anyone: the Q&A list is public (the address only for its household and information staff).' })
  @Directive('@routeBy(arg: "id")')
  question(@Arg('id', () => ID) id: string, @Ctx() ctx: InfoContext): Promise<Question | null> {
    return loadQuestion(ctx, id);
  }

  @Mutation(() => Question, { description: 'Asks the community a question 提问, for a household the caller lives in (or helps); it is shown by address, never by name.' })
  @Directive('@routeBy(arg: "input.householdId")')
  askQuestion(@Arg('input') input: AskQuestionInput, @Ctx() ctx: InfoContext): Promise<Question> {
    return askQuestion(ctx, input);
  }

  @Mutation(() => Question, { description: "Answers an open question (the community's information officers and committee staff)." })
  @Directive('@routeBy(arg: "input.questionId")')
  answerQuestion(@Arg('input') input: AnswerQuestionInput, @Ctx() ctx: InfoContext): Promise<Question> {
    requireInformationStaff(ctx);
    return answerQuestion(ctx, input);
  }

  @Mutation(() => Question, { description: 'Merges an open duplicate into another question of the community (information staff).' })
  @Directive('@routeBy(arg: "input.questionId")')
  mergeQuestion(@Arg('input') input: MergeQuestionInput, @Ctx() ctx: InfoContext): Promise<Question> {
    requireInformationStaff(ctx);
    return mergeQuestion(ctx, input);
  }

  @Mutation(() => Question, { description: 'Closes an open question without an answer, saying why (information staff).' })
  @Directive('@routeBy(arg: "input.questionId")')
  closeQuestion(@Arg('input') input: CloseQuestionInput, @Ctx() ctx: InfoContext): Promise<Question> {
    requireInformationStaff(ctx);
    return closeQuestion(ctx, input);
  }
}

@Resolver(() => Community)
export class CommunityQuestionsResolver {
  @FieldResolver(() => [Question], {
    nullable: true,
    description: "The community's questions of one status 问答: open ones oldest first (longest waiting on top), answered ones newest answer first. Public. Null when the community is unavailable.",
  })
  questions(
    @Root() community: Community,
    @Arg('status', () => QuestionStatus, { defaultValue: QuestionStatus.OPEN }) status: QuestionStatus,
    @Arg('first', () => Int, { defaultValue: 50 }) first: number,
    @Ctx() ctx: InfoContext,
  ): Promise<Question[]> {
    if (community.code !== ctx.community) throw badInput('code', 'names another community.', '指向其他社区。');
    return listQuestions(ctx, status, requireInt(first, 'first', 1, QUESTION_LIMITS.list));
  }
}
