import { IDEMPOTENCY_KEY_DESCRIPTION } from '@lilong/kit';
import { Field, ID, InputType } from 'type-graphql';
import { NoticeCategory } from './notice.entity';

@InputType()
export class PublishNoticeInput {
  @Field({ description: 'Community code; its committee publishes the notice.' })
  community!: string;

  @Field({ description: 'Title 标题, 1-100 characters.' })
  title!: string;

  @Field({ description: 'Body 正文, 1-5000 characters.' })
  body!: string;

  @Field(() => NoticeCategory)
  category!: NoticeCategory;

  @Field(() => [ID], { nullable: true, description: 'Only these compounds of the community (at most 50); none or null: the whole community.' })
  compoundIds?: string[] | null;

  @Field(() => Date, { nullable: true, description: 'From when it applies (from a day ago to 30 days ahead); default now.' })
  validFrom?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Until when it applies (after validFrom, within a year); default until superseded.' })
  validUntil?: Date | null;

  @Field(() => ID, { nullable: true, description: 'The notice of this community this one corrects or replaces 取代; a notice is superseded once.' })
  supersedes?: string | null;

  @Field(() => String, { nullable: true, description: IDEMPOTENCY_KEY_DESCRIPTION })
  idempotencyKey?: string | null;
}
