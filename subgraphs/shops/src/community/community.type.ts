import { Directive, Field, ObjectType } from 'type-graphql';

/** The hub's directory entry for a community, extended here with the community's shops. */
@ObjectType()
@Directive('@key(fields: "code")')
export class Community {
  @Field()
  code!: string;
}
