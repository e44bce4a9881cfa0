import { IDEMPOTENCY_KEY_DESCRIPTION } from '@lilong/kit';
import { Field, ID, InputType } from 'type-graphql';
import { DelegationScopeEnum } from './delegation.entity';
import { MembershipKind } from './membership.entity';

@InputType({ description: 'A person by their identity provider: issuer and subject, as `myRoles` shows them to the person.' })
export class PersonInput {
  @Field()
  issuer!: string;

  @Field()
  subject!: string;
}

@InputType()
export class GrantMembershipInput {
  @Field({ description: 'The community code; it routes the mutation.' })
  community!: string;

  @Field(() => PersonInput)
  person!: PersonInput;

  @Field(() => MembershipKind)
  kind!: MembershipKind;

  @Field(() => ID, { nullable: true, description: 'RESIDENT: the household.' })
  householdId?: string | null;

  @Field(() => ID, { nullable: true, description: 'LEADER, DEPUTY: the group.' })
  groupId?: string | null;

  @Field(() => ID, { nullable: true, description: 'MERCHANT: the shop.' })
  shopId?: string | null;

  @Field(() => ID, { nullable: true, description: 'VOLUNTEER: the volunteer record.' })
  volunteerId?: string | null;

  @Field(() => String, { nullable: true, description: 'Why, up to 200 characters.' })
  note?: string | null;

  @Field(() => String, { nullable: true, description: IDEMPOTENCY_KEY_DESCRIPTION })
  idempotencyKey?: string | null;
}

@InputType()
export class RevokeMembershipInput {
  @Field(() => ID)
  membershipId!: string;

  @Field(() => String, { nullable: true, description: IDEMPOTENCY_KEY_DESCRIPTION })
  idempotencyKey?: string | null;
}

@InputType()
export class IssueHouseholdCodeInput {
  @Field(() => ID)
  householdId!: string;
}

@InputType()
export class ClaimHouseholdInput {
  @Field({ description: 'The community code; it routes the mutation.' })
  community!: string;

  @Field({ description: 'The one-time code from the door notice, e.g. "K7QM-4XPD" (case and dashes do not matter).' })
  code!: string;
}

@InputType()
export class GrantDelegationInput {
  @Field(() => ID)
  householdId!: string;

  @Field(() => PersonInput, { description: 'The helper: a volunteer, a leader, a neighbour.' })
  helper!: PersonInput;

  @Field(() => [DelegationScopeEnum])
  scopes!: DelegationScopeEnum[];

  @Field({ description: 'How the household consented, 1-200 characters.' })
  consent!: string;

  @Field({ nullable: true, description: 'Default: now.' })
  validFrom?: Date;

  @Field({ description: 'At most 366 days after validFrom.' })
  validUntil!: Date;

  @Field(() => String, { nullable: true, description: IDEMPOTENCY_KEY_DESCRIPTION })
  idempotencyKey?: string | null;
}

@InputType()
export class RevokeDelegationInput {
  @Field(() => ID)
  delegationId!: string;

  @Field(() => String, { nullable: true, description: IDEMPOTENCY_KEY_DESCRIPTION })
  idempotencyKey?: string | null;
}
