import { IDEMPOTENCY_KEY_DESCRIPTION } from '@lilong/kit';
import { Field, ID, InputType } from 'type-graphql';
import { PersonInput } from '../membership/membership.inputs';

@InputType()
export class CreateGroupInput {
  @Field(() => ID)
  compoundId!: string;

  @Field()
  name!: string;

  @Field(() => ID, { description: 'The household that leads the group 团长.' })
  leaderHouseholdId!: string;

  @Field(() => PersonInput, {
    nullable: true,
    description: 'The person who leads it (committee staff only). Left out, a resident starting a group with their own household leads it themself.',
  })
  leader?: PersonInput | null;

  @Field(() => String, { nullable: true, description: IDEMPOTENCY_KEY_DESCRIPTION })
  idempotencyKey?: string | null;
}
