import { IDEMPOTENCY_KEY_DESCRIPTION } from '@lilong/kit';
import { Field, Float, ID, InputType } from 'type-graphql';
import { ShopKind } from './shop.entity';

@InputType()
export class AddShopInput {
  @Field(() => ID, { description: 'The compound the shop stands in; it must be of the same community.' })
  compoundId!: string;

  @Field()
  name!: string;

  @Field(() => ShopKind)
  kind!: ShopKind;

  @Field()
  address!: string;

  @Field(() => Float)
  lat!: number;

  @Field(() => Float)
  lng!: number;

  @Field(() => String, { nullable: true, description: IDEMPOTENCY_KEY_DESCRIPTION })
  idempotencyKey?: string | null;
}
