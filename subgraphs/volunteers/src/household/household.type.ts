import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** A household 户 of the `groups` domain, referenced as a volunteer's home; its address is resolved there. */
@ObjectType()
@Directive('@key(fields: "id")')
export class Household {
  @Field(() => ID)
  id!: string;
}
