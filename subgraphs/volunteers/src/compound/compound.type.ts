import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** A compound 小区 of the `groups` domain, extended here with the volunteers who live in it. */
@ObjectType()
@Directive('@key(fields: "id")')
export class Compound {
  @Field(() => ID)
  id!: string;
}
