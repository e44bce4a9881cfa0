import { Directive, Field, ObjectType } from 'type-graphql';

/** The hub's directory entry for a community: an endpoint names the community whose events it receives. */
@ObjectType()
@Directive('@key(fields: "code")')
export class Community {
  @Field()
  code!: string;
}
