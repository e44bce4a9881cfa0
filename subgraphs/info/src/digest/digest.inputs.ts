import { IDEMPOTENCY_KEY_DESCRIPTION } from '@lilong/kit';
import { Field, ID, InputType, Int } from 'type-graphql';

@InputType()
export class SetDigestIntervalInput {
  @Field({ description: 'Community code.' })
  community!: string;

  @Field(() => Int, { description: 'Minutes between digests, 15-240.' })
  minutes!: number;

  @Field(() => String, { nullable: true, description: IDEMPOTENCY_KEY_DESCRIPTION })
  idempotencyKey?: string | null;
}

@InputType()
export class DraftDigestInput {
  @Field({ description: 'Community code.' })
  community!: string;

  @Field(() => String, { nullable: true, description: IDEMPOTENCY_KEY_DESCRIPTION })
  idempotencyKey?: string | null;
}

@InputType()
export class DigestItemInput {
  @Field({ description: 'Capital letters, digits and _, up to 40, e.g. NOTICE_PUBLISHED.' })
  kind!: string;

  @Field({ description: '1-300 characters.' })
  text!: string;

  @Field(() => String, { nullable: true, description: 'Global ID of the record the line is about.' })
  ref?: string | null;
}

@InputType()
export class UpdateDigestDraftInput {
  @Field(() => ID, { description: 'A draft digest.' })
  digestId!: string;

  @Field(() => String, { nullable: true, description: 'Title, 1-100 characters; null or absent: unchanged.' })
  title?: string | null;

  @Field(() => String, { nullable: true, description: 'Body, up to 5000 characters; null or absent: unchanged.' })
  body?: string | null;

  @Field(() => [DigestItemInput], { nullable: true, description: 'The items, replacing all of them (at most 100); null or absent: unchanged.' })
  items?: DigestItemInput[] | null;

  @Field(() => String, { nullable: true, description: IDEMPOTENCY_KEY_DESCRIPTION })
  idempotencyKey?: string | null;
}

@InputType()
export class PublishDigestInput {
  @Field(() => ID, { description: 'A draft digest.' })
  digestId!: string;

  @Field(() => String, { nullable: true, description: IDEMPOTENCY_KEY_DESCRIPTION })
  idempotencyKey?: string | null;
}
