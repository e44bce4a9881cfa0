import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** The hub's directory entry for a community, extended here with its notices, questions and digests. */
@ObjectType()
@Directive('@key(fields: "code")')
export class Community {
  @Field()
  code!: string;
}

/** A compound 小区 of the `groups` domain: a notice may be addressed to some compounds only. */
@ObjectType()
@Directive('@key(fields: "id")')
export class Compound {
  @Field(() => ID)
  id!: string;
}
