import { IDEMPOTENCY_KEY_DESCRIPTION } from '@lilong/kit';
import { Field, ID, InputType } from 'type-graphql';

@InputType()
export class CreateGroupInput {
  @Field(() => ID)
  compoundId!: string;

  @Field()
  name!: string;

  @Field(() => ID, { description: 'The household that leads the group 团长.' })
  leaderHouseholdId!: string;

  @Field(() => String, { nullable: true, description: IDEMPOTENCY_KEY_DESCRIPTION })
  idempotencyKey?: string | null;
}
