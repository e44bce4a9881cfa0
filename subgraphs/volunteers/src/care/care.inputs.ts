import { IDEMPOTENCY_KEY_DESCRIPTION } from '@lilong/kit';
import { Field, Float, ID, InputType, Int } from 'type-graphql';
import { CareKind, CareOutcome, TriageDecision, TripPurpose, Urgency } from './care.enums';

@InputType()
export class RequestCareInput {
  @Field(() => ID, { description: 'The household the care is for; it routes the request to its community.' })
  householdId!: string;

  @Field(() => CareKind)
  kind!: CareKind;

  @Field(() => TripPurpose, { nullable: true, description: 'Medical trips only.' })
  purpose?: TripPurpose | null;

  @Field(() => String, { nullable: true, description: 'The pharmacy or hospital (pick-ups and trips), up to 100 characters.' })
  destination?: string | null;

  @Field(() => [String], { nullable: true, description: 'Medicine pick-ups: the prescription list, one medicine per line, 1-20 lines.' })
  prescriptions?: string[] | null;

  @Field(() => Urgency)
  urgency!: Urgency;

  @Field(() => Date, { nullable: true, description: 'SCHEDULED: when; TODAY: from when (default now). EMERGENCY ignores it.' })
  windowStart?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Latest end; default two hours after the start (TODAY: the end of the day). At most 12 hours.' })
  windowEnd?: Date | null;

  @Field(() => Int, { nullable: true, description: 'People to drive, 1-8 for a trip (default 1); 0 for a pick-up.' })
  passengers?: number | null;

  @Field(() => Boolean, { nullable: true })
  wheelchair?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'Medical trips: drive the patient back too (default true).' })
  returnTrip?: boolean | null;

  @Field(() => String, { nullable: true, description: 'A phone number for this request; shown only to the assigned volunteer and dispatch.' })
  contactPhone?: string | null;

  @Field(() => String, { nullable: true, description: 'Up to 500 characters.' })
  notes?: string | null;

  @Field(() => String, { nullable: true, description: IDEMPOTENCY_KEY_DESCRIPTION })
  idempotencyKey?: string | null;
}

@InputType()
export class TriageCareInput {
  @Field(() => ID)
  requestId!: string;

  @Field(() => TriageDecision)
  decision!: TriageDecision;

  @Field(() => String, { nullable: true, description: 'ACCEPT: the dispatch zone, if not the compound\'s.' })
  zone?: string | null;

  @Field(() => ID, { nullable: true, description: 'MERGE: the open request of the same household this one duplicates.' })
  mergeInto?: string | null;

  @Field(() => String, { nullable: true, description: 'REFER: where to; DECLINE: why (the household reads it). Up to 300 characters.' })
  note?: string | null;

  @Field(() => String, { nullable: true, description: IDEMPOTENCY_KEY_DESCRIPTION })
  idempotencyKey?: string | null;
}

@InputType()
export class OfferCareTaskInput {
  @Field(() => ID)
  requestId!: string;

  @Field(() => ID, { description: 'A volunteer of the community.' })
  volunteerId!: string;

  @Field(() => Int, { nullable: true, description: 'Minutes the volunteer has to answer, 1-240; default by urgency (5, 15, 60).' })
  respondWithinMinutes?: number | null;

  @Field(() => String, { nullable: true, description: IDEMPOTENCY_KEY_DESCRIPTION })
  idempotencyKey?: string | null;
}

@InputType()
export class RespondToCareOfferInput {
  @Field(() => ID)
  requestId!: string;

  @Field()
  accept!: boolean;

  @Field(() => String, { nullable: true, description: 'Declining: why, for the dispatcher.' })
  reason?: string | null;

  @Field(() => String, { nullable: true, description: IDEMPOTENCY_KEY_DESCRIPTION })
  idempotencyKey?: string | null;
}

@InputType()
export class CareTaskInput {
  @Field(() => ID)
  requestId!: string;

  @Field(() => String, { nullable: true, description: IDEMPOTENCY_KEY_DESCRIPTION })
  idempotencyKey?: string | null;
}

@InputType()
export class TickProtocolStepInput {
  @Field(() => ID)
  requestId!: string;

  @Field(() => Int, { description: "The step's position, 1, 2, ...; earlier required steps must be ticked first." })
  position!: number;

  @Field(() => String, { nullable: true, description: IDEMPOTENCY_KEY_DESCRIPTION })
  idempotencyKey?: string | null;
}

@InputType()
export class FinishCareTaskInput {
  @Field(() => ID)
  requestId!: string;

  @Field(() => CareOutcome)
  outcome!: CareOutcome;

  @Field(() => String, { nullable: true, description: 'FAILED: why (required).' })
  reason?: string | null;

  @Field(() => String, { nullable: true, description: IDEMPOTENCY_KEY_DESCRIPTION })
  idempotencyKey?: string | null;
}

@InputType()
export class CancelCareRequestInput {
  @Field(() => ID)
  requestId!: string;

  @Field(() => String, { nullable: true })
  reason?: string | null;

  @Field(() => String, { nullable: true, description: IDEMPOTENCY_KEY_DESCRIPTION })
  idempotencyKey?: string | null;
}

@InputType()
export class ProtocolStepInput {
  @Field({ description: 'In Chinese, up to 100 characters.' })
  label!: string;

  @Field({ description: 'In English, up to 150 characters.' })
  labelEn!: string;

  @Field()
  required!: boolean;
}

@InputType()
export class SetCareProtocolInput {
  @Field({ description: 'The community (its code); it routes the mutation.' })
  community!: string;

  @Field(() => CareKind)
  kind!: CareKind;

  @Field(() => [ProtocolStepInput], { description: '1-15 steps, in the order they are ticked. Running tasks keep the protocol they started with.' })
  steps!: ProtocolStepInput[];
}

@InputType()
export class SetCompoundZoneInput {
  @Field(() => ID)
  compoundId!: string;

  @Field({ description: 'Dispatch zone 片区, 1-20 characters.' })
  zone!: string;
}

@InputType()
export class AddShiftInput {
  @Field(() => ID)
  volunteerId!: string;

  @Field()
  startsAt!: Date;

  @Field({ description: 'After the start, at most 16 hours later.' })
  endsAt!: Date;

  @Field(() => String, { nullable: true, description: IDEMPOTENCY_KEY_DESCRIPTION })
  idempotencyKey?: string | null;
}

@InputType()
export class RemoveShiftInput {
  @Field(() => ID)
  volunteerId!: string;

  @Field(() => ID)
  shiftId!: string;
}

@InputType()
export class StartCareSeriesInput {
  @Field(() => ID)
  householdId!: string;

  @Field(() => TripPurpose)
  purpose!: TripPurpose;

  @Field({ description: 'Hospital or clinic.' })
  destination!: string;

  @Field(() => [Int], { description: 'ISO weekdays, 1 = Monday ... 7 = Sunday; e.g. [1, 3, 5] for dialysis.' })
  weekdays!: number[];

  @Field({ description: 'Pick-up time, Shanghai, "HH:MM".' })
  startTime!: string;

  @Field(() => Int, { description: 'Minutes each trip takes, there and back: 30-720.' })
  durationMinutes!: number;

  @Field({ description: 'First day, "YYYY-MM-DD".' })
  firstDay!: string;

  @Field({ description: 'Last day, "YYYY-MM-DD", at most 180 days after the first.' })
  lastDay!: string;

  @Field(() => Int, { nullable: true })
  passengers?: number | null;

  @Field(() => Boolean, { nullable: true })
  wheelchair?: boolean | null;

  @Field(() => Boolean, { nullable: true })
  returnTrip?: boolean | null;

  @Field(() => String, { nullable: true })
  contactPhone?: string | null;

  @Field(() => String, { nullable: true })
  notes?: string | null;

  @Field(() => String, { nullable: true, description: IDEMPOTENCY_KEY_DESCRIPTION })
  idempotencyKey?: string | null;
}

@InputType()
export class StopCareSeriesInput {
  @Field(() => ID)
  seriesId!: string;

  @Field(() => String, { nullable: true, description: IDEMPOTENCY_KEY_DESCRIPTION })
  idempotencyKey?: string | null;
}

@InputType({ description: 'A task to find borrowable volunteers for, as careRequest answered it.' })
export class BorrowableTaskInput {
  @Field(() => ID, { description: "The care request; its community's neighbours are asked." })
  requestId!: string;

  @Field(() => Float, { description: 'Where it starts (the household): latitude.' })
  lat!: number;

  @Field(() => Float)
  lng!: number;

  @Field()
  windowStart!: Date;

  @Field()
  windowEnd!: Date;

  @Field(() => CareKind)
  kind!: CareKind;

  @Field(() => Int, { defaultValue: 0 })
  passengers!: number;

  @Field({ defaultValue: false })
  wheelchair!: boolean;
}
