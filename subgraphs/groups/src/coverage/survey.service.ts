import { badInput, idempotent, requireInt, requireText } from '@lilong/kit';
import type { EntityManager } from '@mikro-orm/postgresql';
import { CompoundKind } from '../compound/compound.entity';
import type { GroupsContext } from '../loaders';
import { CompoundSurvey } from './survey.entity';
import type { RecordCompoundSurveyInput } from './survey.inputs';

/** A survey finds at most this many compounds of one kind: more is a typing mistake in one community. */
export const MAX_SURVEY_FOUND = 1000;
const MAX_NOTE = 500;

export interface SurveyRecord {
  kind: CompoundKind;
  found: number;
  note: string | null;
  surveyedBy: string;
  surveyedAt: Date;
}

/** Checks a survey as entered; the API and the demo seed both come here. */
export function surveyOf(input: Pick<RecordCompoundSurveyInput, 'kind' | 'found' | 'note'>, surveyedBy: string, surveyedAt: Date): SurveyRecord {
  if (!Object.values(CompoundKind).includes(input.kind)) throw badInput('input.kind', 'is not a kind of compound.', '不是小区类型。');
  const found = requireInt(input.found, 'input.found', 0, MAX_SURVEY_FOUND);
  const note = input.note === null || input.note === undefined ? null : requireText(input.note, 'input.note', MAX_NOTE, { allowEmpty: true }) || null;
  return { kind: input.kind, found, note, surveyedBy, surveyedAt };
}

/** Writes a survey (the one rule for it: recordCompoundSurvey and the demo seed both come here). */
export function writeCompoundSurvey(em: EntityManager, record: SurveyRecord): CompoundSurvey {
  return em.create(CompoundSurvey, record);
}

/** Committee staff record a survey of their community for a kind of compound (the resolver checks who). */
export function recordCompoundSurvey(ctx: GroupsContext, input: RecordCompoundSurveyInput, now = new Date()): Promise<CompoundSurvey> {
  if (input.community !== ctx.community) throw badInput('input.community', 'names another community.', '指向其他社区。');
  const record = surveyOf(input, ctx.claims.actor, now);
  return idempotent(ctx, input.idempotencyKey, 'recordCompoundSurvey', input, CompoundSurvey, async (em) => writeCompoundSurvey(em, record));
}
