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

  @Field(() => ID, { description: "The leader's group order with the pool's shop, offering only the pooled product." })
  orderId!: string;

  @Field(() => Int, { description: 'Units the group asks for, in all (joining again changes it: raised units queue at the time of the change).' })
  quantity!: number;

  @Field(() => Int, { description: 'Extra units the group would accept to complete a pack (less than one pack).' })
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
