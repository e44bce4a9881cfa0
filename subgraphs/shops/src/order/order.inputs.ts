import { Field, ID, InputType, Int } from 'type-graphql';
import { HandOut, MinimumKind } from './order.enums';

@InputType()
export class OpenGroupOrderInput {
  @Field(() => ID, { description: 'The shop the order is placed with; the order lives in its community.' })
  shopId!: string;

  @Field(() => ID, { description: "The leader's mutual-aid group (any community)." })
  groupId!: string;

  @Field()
  title!: string;

  @Field({ description: 'When sign-ups close and the order forms or fails by itself: from 5 seconds to 14 days ahead.' })
  deadline!: Date;

  @Field(() => MinimumKind)
  minimumKind!: MinimumKind;

  @Field(() => Int, { description: 'Households or units needed for the order to form 成团.' })
  minimum!: number;

  @Field(() => HandOut)
  handOut!: HandOut;

  @Field(() => [ID], { description: 'Products of the shop offered in this order (1-20).' })
  productIds!: string[];

  @Field({ nullable: true, description: 'Makes a retry safe: the same key returns the first answer and changes nothing.' })
  idempotencyKey?: string;
}

@InputType()
export class SignUpLineInput {
  @Field(() => ID)
  productId!: string;

  @Field(() => Int, { description: 'Units wanted; 0 removes the product from the sign-up.' })
  quantity!: number;
}

@InputType()
export class SignUpInput {
  @Field(() => ID)
  orderId!: string;

  @Field(() => ID, { description: 'The signing household: only itself, and only a household of the order’s compound.' })
  householdId!: string;

  @Field(() => [SignUpLineInput])
  lines!: SignUpLineInput[];

  @Field({ nullable: true })
  idempotencyKey?: string;
}

@InputType()
export class WithdrawSignUpInput {
  @Field(() => ID)
  orderId!: string;

  @Field(() => ID)
  householdId!: string;

  @Field({ nullable: true })
  idempotencyKey?: string;
}

@InputType()
export class GroupOrderActionInput {
  @Field(() => ID)
  orderId!: string;

  @Field({ nullable: true })
  idempotencyKey?: string;
}
