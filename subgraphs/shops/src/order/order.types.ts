import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';
import { Product } from '../product/product.entity';
import { AllocationExplanationView } from '../pool/pool.types';
import { MinimumKind } from './order.enums';

@ObjectType({ description: 'A product of a group order, with the units signed up for it so far.' })
export class GroupOrderLine {
  @Field(() => Product)
  product!: Product;

  @Field(() => Int, { description: 'Units all households signed up for, together.' })
  signedUp!: number;
}

@ObjectType({ description: 'How far a group order is from forming 成团进度. Counts only, never households.' })
export class OrderProgress {
  @Field(() => Int)
  households!: number;

  @Field(() => Int)
  quantity!: number;

  @Field(() => MinimumKind)
  minimumKind!: MinimumKind;

  @Field(() => Int)
  minimum!: number;

  @Field(() => Int, { description: 'Households or units still missing to the minimum (0 when reached).' })
  missing!: number;

  @Field()
  reached!: boolean;
}

@ObjectType()
export class SignUpLineView {
  @Field(() => Product)
  product!: Product;

  @Field(() => Int)
  quantity!: number;

  @Field(() => Int, { nullable: true, description: 'Units this household gets after its pool closed; null before.' })
  allocated?: number | null;

  @Field(() => AllocationExplanationView, { nullable: true, description: 'Why the household got `allocated` and not more 为什么分到这么多.' })
  explanation?: AllocationExplanationView | null;
}

@ObjectType()
export class HandOutLine {
  @Field()
  product!: string;

  @Field()
  unit!: string;

  @Field(() => Int)
  quantity!: number;
}

@ObjectType({ description: "One household's share in a hand-out list: its address only, never a name." })
export class HandOutHousehold {
  @Field({ description: 'Building-unit-room, e.g. "12-3-402".' })
  address!: string;

  @Field(() => [HandOutLine])
  lines!: HandOutLine[];
}

@ObjectType({ description: 'A building of the hand-out list 分楼发放清单.' })
export class HandOutBuilding {
  @Field()
  building!: string;

  @Field(() => [HandOutHousehold])
  households!: HandOutHousehold[];

  @Field(() => [HandOutLine], { description: "The building's totals per product." })
  totals!: HandOutLine[];
}

/** The groups subgraph's Group, extended here with the group orders held by merchants of any community. */
@ObjectType()
@Directive('@key(fields: "id")')
export class Group {
  @Field(() => ID)
  id!: string;
}

/** The groups subgraph's Household, extended here with its sign-ups at merchants of any community. */
@ObjectType()
@Directive('@key(fields: "id")')
export class Household {
  @Field(() => ID)
  id!: string;
}
