import { Entity, Enum, Index, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, Int, ObjectType } from 'type-graphql';
import { CompoundKind } from '../compound/compound.entity';

/**
 * Committee staff went through the community looking for compounds of one kind (walked the streets behind the
 * shops, asked the rental agencies, ...) and recorded what they found. Never changed or deleted: a later survey of
 * the same kind is a new record, so the committee can answer for when it last looked, who looked and what they saw.
 */
@ObjectType({ description: 'A survey 摸排 of the community for one kind of compound: who looked, when, and how many they found.' })
@Entity({ tableName: 'compound_survey' })
@Index({ properties: ['kind', 'surveyedAt'] })
export class CompoundSurvey {
  [OptionalProps]?: 'localId' | 'note' | 'surveyedAt';

  @PrimaryKey({ fieldName: 'id', autoincrement: true })
  localId!: number;

  @Field(() => CompoundKind)
  @Enum({ items: () => CompoundKind, nativeEnumName: 'compound_kind' })
  kind!: CompoundKind;

  @Field(() => Int, { description: 'How many compounds of the kind the survey found (0: looked, found none).' })
  @Property({ type: 'integer' })
  found!: number;

  @Field(() => String, { nullable: true, description: 'What the surveyor noted, e.g. "问了三家中介，另有两栋待登记".' })
  @Property({ type: 'text', nullable: true })
  note: string | null = null;

  @Field({ description: 'Who recorded it (issuer#subject), or "seed" for the demo.' })
  @Property({ type: 'text' })
  surveyedBy!: string;

  @Field()
  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  surveyedAt: Date = new Date();
}
