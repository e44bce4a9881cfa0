import { IDEMPOTENCY_KEY_DESCRIPTION } from '@lilong/kit';
import { Field, Float, ID, InputType, Int } from 'type-graphql';
import { Skill } from './skill';

@InputType()
export class RegisterVolunteerInput {
  @Field(() => ID, { description: 'The compound they live in; it routes the mutation to its community.' })
  compoundId!: string;

  @Field({ description: 'What the team calls them, e.g. "王师傅", 1-30 characters.' })
  displayName!: string;

  @Field(() => [Skill], { description: 'At least one, no repeats; DRIVER needs vehicleSeats >= 1.' })
  skills!: Skill[];

  @Field(() => Int, { defaultValue: 0, description: 'Passenger seats in their car, 0-8; 0 = no car.' })
  vehicleSeats!: number;

  @Field({ description: 'Dispatch zone 片区, 1-20 characters, e.g. "A片".' })
  zone!: string;

  @Field(() => ID, { nullable: true, description: 'Their household; shown only to themself and dispatch.' })
  homeHouseholdId?: string | null;

  @Field(() => Float, { nullable: true, description: 'Latitude of their base (where they set out from); default their compound\'s gate.' })
  baseLat?: number | null;

  @Field(() => Float, { nullable: true, description: 'Longitude of their base; given together with baseLat.' })
  baseLng?: number | null;

  @Field(() => String, { nullable: true, description: IDEMPOTENCY_KEY_DESCRIPTION })
  idempotencyKey?: string | null;
}

@InputType()
export class SetAvailabilityInput {
  @Field(() => ID)
  volunteerId!: string;

  @Field()
  available!: boolean;

  @Field(() => String, { nullable: true, description: 'Moves them to another dispatch zone 片区; left out keeps the current one.' })
  zone?: string | null;

  @Field(() => String, { nullable: true, description: IDEMPOTENCY_KEY_DESCRIPTION })
  idempotencyKey?: string | null;
}
