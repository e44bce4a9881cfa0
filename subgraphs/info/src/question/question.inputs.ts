import { IDEMPOTENCY_KEY_DESCRIPTION } from '@lilong/kit';
import { Field, ID, InputType } from 'type-graphql';

@InputType()
export class AskQuestionInput {
  @Field(() => ID, { description: 'The household asking; the caller lives there (or helps it under a delegation).' })
  householdId!: string;

  @Field({ description: 'The question, 1-500 characters.' })
  text!: string;

  @Field(() => String, { nullable: true, description: IDEMPOTENCY_KEY_DESCRIPTION })
  idempotencyKey?: string | null;
}

@InputType()
export class AnswerQuestionInput {
  @Field(() => ID)
  questionId!: string;

  @Field({ description: 'The answer, 1-2000 characters.' })
  answer!: string;

  @Field(() => String, { nullable: true, description: IDEMPOTENCY_KEY_DESCRIPTION })
  idempotencyKey?: string | null;
}

@InputType()
export class MergeQuestionInput {
  @Field(() => ID, { description: 'The duplicate, an open question.' })
  questionId!: string;

  @Field(() => ID, { description: 'The question of the same community it duplicates (not itself merged).' })
  intoId!: string;

  @Field(() => String, { nullable: true, description: IDEMPOTENCY_KEY_DESCRIPTION })
  idempotencyKey?: string | null;
}

@InputType()
export class CloseQuestionInput {
  @Field(() => ID, { description: 'An open question.' })
  questionId!: string;

  @Field({ description: 'Why it is closed without an answer, 1-200 characters (shown to everyone).' })
  reason!: string;

  @Field(() => String, { nullable: true, description: IDEMPOTENCY_KEY_DESCRIPTION })
  idempotencyKey?: string | null;
}
