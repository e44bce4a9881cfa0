import { IDEMPOTENCY_KEY_DESCRIPTION } from '@lilong/kit';
import { Field, InputType, Int } from 'type-graphql';
import { CompoundKind } from '../compound/compound.entity';

@InputType()
export class RecordCompoundSurveyInput {
  @Field({ description: 'Community code; the survey is recorded in that community.' })
  community!: string;

  @Field(() => CompoundKind, { description: 'The kind of compound looked for 摸排的小区类型.' })
  kind!: CompoundKind;

  @Field(() => Int, { description: 'How many compounds of the kind were found: 0 to 1000.' })
  found!: number;

  @Field(() => String, { nullable: true, description: 'At most 500 characters.' })
  note?: string | null;

  @Field(() => String, { nullable: true, description: IDEMPOTENCY_KEY_DESCRIPTION })
  idempotencyKey?: string | null;
}
