import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { badInput, forbidden, globalIdOf, idempotent, localIdOf, notFound, requireSignedIn, requireText, rolesOf } from '@lilong/kit';
import { lilongError, tryParseGlobalId } from '@lilong/schema';
import { isInformationStaff } from '../access';
import { questionAnswered } from '../events';
import type { InfoContext } from '../loaders';
import { COMMITTEE_LABEL } from '../notice/notice.service';
import { Question, QUESTION_STATUS_ZH, QuestionStatus } from './question.entity';
import type { AnswerQuestionInput, AskQuestionInput, CloseQuestionInput, MergeQuestionInput } from './question.inputs';
import { QUESTION_LIMITS } from './question.rules';

/** Who answers or publishes as an information officer, by role, never a person. */
export const INFO_OFFICER_LABEL = '信息员 Information officer';

/** The role label of the caller, one of the community's information staff: an officer, else committee staff. */
export function staffLabel(ctx: InfoContext): string {
  return rolesOf(ctx.claims, 'info_officer').some((r) => r.community === ctx.community) ? INFO_OFFICER_LABEL : COMMITTEE_LABEL;
}

/** The household as the caller may ask for it: their own residency, or a helper's delegation for it (any scope). */
function askingAs(ctx: InfoContext, householdId: string) {
  return rolesOf(ctx.claims, 'resident').find((r) => r.household === householdId) ?? rolesOf(ctx.claims, 'helper').find((r) => r.household === householdId);
}

/** Whether the caller may see the question's full address: its household (resident or helper) and information staff. */
export function seesAddress(ctx: InfoContext, question: Question): boolean {
  return askingAs(ctx, question.householdId) !== undefined || isInformationStaff(ctx);
}

/** Asks a question for a household, recording where it was asked from as the committee's records say. */
export async function askQuestion(ctx: InfoContext, input: AskQuestionInput): Promise<Question> {
  requireSignedIn(ctx.claims);
  const home = askingAs(ctx, input.householdId);
  if (!home) throw forbidden('only a resident of the household (or its helper) may ask for it', '只有该住户的居民（或其代办人）可以以该住户名义提问');
  const text = requireText(input.text, 'input.text', QUESTION_LIMITS.text);
  // Read outside the transaction: the compound's name lives in another domain.
  const compoundName = (await ctx.places([home.compound])).get(home.compound)?.compoundName ?? '';
  const now = new Date();
  return idempotent(ctx, input.idempotencyKey, 'askQuestion', input, Question, async (em) =>
    em.create(Question, {
      householdId: home.household,
      compoundId: home.compound,
      compoundName,
      building: home.building,
      address: home.address,
      text,
      askedBy: ctx.claims.actor,
      askedAt: now,
    }),
  );
}

async function lockQuestion(em: EntityManager, community: string, id: string, argument: string): Promise<Question> {
  const localId = localIdOf(community, id, 'Question', argument);
  const question = await em.findOne(Question, { localId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (!question) throw notFound('Question', id);
  return question;
}

function requireOpen(question: Question, community: string, action: { en: string; zh: string }): void {
  if (question.status === QuestionStatus.OPEN) return;
  throw lilongError(
    'INVALID_TRANSITION',
    {
      en: `Question ${globalIdOf(community, 'Question', question.localId)} is ${question.status}; only an open question can be ${action.en}.`,
      zh: `该问题${QUESTION_STATUS_ZH[question.status]}，只有待回答的问题可以${action.zh}。`,
    },
    { status: question.status },
  );
}

export async function answerQuestion(ctx: InfoContext, input: AnswerQuestionInput): Promise<Question> {
  const answer = requireText(input.answer, 'input.answer', QUESTION_LIMITS.answer);
  const by = staffLabel(ctx);
  return idempotent(ctx, input.idempotencyKey, 'answerQuestion', input, Question, async (em) => {
    const question = await lockQuestion(em, ctx.community, input.questionId, 'input.questionId');
    requireOpen(question, ctx.community, { en: 'answered', zh: '回答' });
    question.status = QuestionStatus.ANSWERED;
    question.answer = answer;
    question.answeredAt = new Date();
    question.answeredBy = by;
    question.answerActor = ctx.claims.actor;
    questionAnswered(em, ctx.community, question);
    return question;
  });
}

export async function closeQuestion(ctx: InfoContext, input: CloseQuestionInput): Promise<Question> {
  const reason = requireText(input.reason, 'input.reason', QUESTION_LIMITS.reason);
  return idempotent(ctx, input.idempotencyKey, 'closeQuestion', input, Question, async (em) => {
    const question = await lockQuestion(em, ctx.community, input.questionId, 'input.questionId');
    requireOpen(question, ctx.community, { en: 'closed', zh: '关闭' });
    question.status = QuestionStatus.CLOSED;
    question.closedAt = new Date();
    question.closeReason = reason;
    return question;
  });
}

/**
 * Merges an open duplicate into another question of the community. Both rows are locked, lower ID first (two
 * officers merging a pair each way wait for each other instead of deadlocking); the duplicates merged into the
 * duplicate follow it to the target.
 */
export async function mergeQuestion(ctx: InfoContext, input: MergeQuestionInput): Promise<Question> {
  if (tryParseGlobalId(input.intoId)?.community !== ctx.community) throw badInput('input.intoId', 'must be a question of the same community.', '须为同一社区的问题。');
  const sourceId = localIdOf(ctx.community, input.questionId, 'Question', 'input.questionId');
  const targetId = localIdOf(ctx.community, input.intoId, 'Question', 'input.intoId');
  if (sourceId === targetId) throw badInput('input.intoId', 'must be another question, not the same one.', '不能合并到自身。');
  return idempotent(ctx, input.idempotencyKey, 'mergeQuestion', input, Question, async (em) => {
    const locked = await em.find(Question, { localId: { $in: [sourceId, targetId] } }, { lockMode: LockMode.PESSIMISTIC_WRITE, orderBy: { localId: 'asc' } });
    const question = locked.find((q) => q.localId === sourceId);
    const target = locked.find((q) => q.localId === targetId);
    if (!question) throw notFound('Question', input.questionId);
    if (!target) throw notFound('Question', input.intoId);
    requireOpen(question, ctx.community, { en: 'merged', zh: '合并' });
    if (target.status === QuestionStatus.MERGED) {
      const into = globalIdOf(ctx.community, 'Question', target.mergedIntoId!);
      throw badInput('input.intoId', `is itself merged into ${into}; merge into that one.`, `该问题已合并到 ${into}，请合并到该问题。`);
    }
    question.status = QuestionStatus.MERGED;
    question.mergedIntoId = target.localId;
    question.closedAt = new Date();
    await em.nativeUpdate(Question, { mergedIntoId: question.localId }, { mergedIntoId: target.localId });
    return question;
  });
}

/** The community's questions of one status, in the list's order (see question.rules.ts). */
export function listQuestions(ctx: InfoContext, status: QuestionStatus, first: number): Promise<Question[]> {
  const orderBy =
    status === QuestionStatus.OPEN
      ? ({ askedAt: 'asc', localId: 'asc' } as const)
      : status === QuestionStatus.ANSWERED
        ? ({ answeredAt: 'desc', localId: 'desc' } as const)
        : ({ closedAt: 'desc', localId: 'desc' } as const);
  return ctx.em.find(Question, { status }, { orderBy, limit: first });
}
