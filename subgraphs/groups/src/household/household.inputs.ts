import { IDEMPOTENCY_KEY_DESCRIPTION } from '@lilong/kit';
import { Field, ID, InputType } from 'type-graphql';
import { Tenure } from './household.entity';

@InputType()
export class RegisterHouseholdInput {
  @Field(() => ID)
  compoundId!: string;

  @Field()
  building!: string;

  @Field({ nullable: true, description: 'Leave out where the building has no units.' })
  unit?: string;

  @Field()
  room!: string;

  @Field(() => Tenure)
  tenure!: Tenure;

  @Field(() => String, { nullable: true, description: IDEMPOTENCY_KEY_DESCRIPTION })
  idempotencyKey?: string | null;
}
