import { Field, ID, InputType, Int } from 'type-graphql';

@InputType()
export class OpenPoolInput {
  @Field(() => ID, { description: 'The product pooled; its pack size is fixed for the pool.' })
  productId!: string;

  @Field(() => Int, { description: 'Whole packs the merchant needs.' })
  minimumPacks!: number;

  @Field({ description: 'When the pool closes and forms or fails by itself: from 5 seconds to 14 days ahead.' })
  deadline!: Date;

  @Field({ nullable: true })
  idempotencyKey?: string;
}

@InputType()
export class JoinPoolInput {
  @Field(() => ID)
  poolId!: string;

  @Field(() => ID, {
    description:
      "The leader's group order with the pool's shop, offering only the pooled product. It joins with what its households signed up for, and follows their sign-ups from then on.",
  })
  orderId!: string;

  @Field(() => Int, {
    description:
      'Extra units the leader accepts for the group to complete a pack (0 to pack size - 1); used ones are shared among its households. Joining again changes only this.',
  })
  tolerance!: number;

  @Field({ nullable: true })
  idempotencyKey?: string;
}

@InputType()
export class PoolActionInput {
  @Field(() => ID)
  poolId!: string;

  @Field({ nullable: true })
  idempotencyKey?: string;
}

@InputType()
export class DeclinePoolInput {
  @Field(() => ID)
  poolId!: string;

  @Field({ description: 'Why, for the leaders whose orders were in it (1-200 characters), e.g. "不送这个小区".' })
  reason!: string;

  @Field({ nullable: true })
  idempotencyKey?: string;
}
