import { IDEMPOTENCY_KEY_DESCRIPTION } from '@lilong/kit';
import { Field, Float, ID, InputType } from 'type-graphql';
import { CompoundKind } from './compound.entity';

@InputType()
export class AddCompoundInput {
  @Field({ description: 'Community code; the compound is added to that community.' })
  community!: string;

  @Field()
  name!: string;

  @Field(() => CompoundKind)
  kind!: CompoundKind;

  @Field()
  address!: string;

  @Field(() => Float)
  lat!: number;

  @Field(() => Float)
  lng!: number;

  @Field(() => String, { nullable: true, description: IDEMPOTENCY_KEY_DESCRIPTION })
  idempotencyKey?: string | null;
}

@InputType()
export class CompoundRef {
  @Field(() => ID)
  compoundId!: string;
}
