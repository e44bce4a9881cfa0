import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'Live progress of an open pool 拼单进度: how far from the next full pack and from the minimum.' })
export class PoolProgressView {
  @Field(() => Int)
  totalQuantity!: number;

  @Field(() => Int)
  totalTolerance!: number;

  @Field(() => Int, { description: 'Packs ordered if the pool closed now (with tolerance, within stock).' })
  packsIfClosedNow!: number;

  @Field(() => Int, { description: 'Units still needed to fill the next pack 距下一整箱还差.' })
  unitsToNextPack!: number;

  @Field(() => Int, { description: 'The same, counting every tolerance.' })
  unitsToNextPackWithTolerance!: number;

  @Field(() => Int, { description: 'Packs still missing to the minimum 距成团还差几箱.' })
  packsMissing!: number;

  @Field({ description: 'Closing now would form the pool.' })
  wouldForm!: boolean;

  @Field({ description: 'The stock on hand, not the orders, limits the packs.' })
  stockLimited!: boolean;

  @Field(() => Int, {
    description: 'Units of group orders that have not reached their own minimum yet: not counted above until they do (at the close, such an order takes no part).',
  })
  unitsBelowOwnMinimum!: number;
}

@ObjectType({ description: 'Why a group order or a household got what it got: the rule and the numbers 分配说明.' })
export class AllocationExplanationView {
  @Field({
    description:
      'Group order: ALL_QUANTITY_SERVED, FIRST_COME_QUANTITY, FIRST_COME_TOLERANCE, POOL_NOT_FORMED, ORDER_BELOW_MINIMUM, NOTHING_REQUESTED. Household: FULLY_SERVED, SERVED_WITH_EXTRA, PARTLY_SERVED, NOT_SERVED, NOTHING_REQUESTED.',
  })
  rule!: string;

  @Field()
  message!: string;

  @Field()
  messageZh!: string;

  @Field(() => Int)
  requested!: number;

  @Field(() => Int, { description: 'Everything allocated, tolerance included: what the hand-out list shows.' })
  allocated!: number;

  @Field(() => Int, {
    nullable: true,
    description: "Of `allocated`, units beyond what was asked for: tolerance used to complete the last pack (a household's share of its order's).",
  })
  fromTolerance?: number | null;

  @Field(() => Int, { nullable: true, description: 'Packs the pool ordered.' })
  packs?: number | null;

  @Field(() => Int, { nullable: true })
  packSize?: number | null;

  @Field(() => Int, { nullable: true, description: 'Place in the queue (pool) or in the sign-up list (household).' })
  position?: number | null;
}
