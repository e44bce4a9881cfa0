import { Directive, Field, ObjectType } from 'type-graphql';
import { OrderReach } from '../coverage/reach.types';

/** The hub's directory entry for a community, extended here with the community's compounds and groups. */
@ObjectType()
@Directive('@key(fields: "code")')
export class Community {
  @Field()
  code!: string;

  /**
   * Resolved by the shops domain of every community (`@fanout`); the hub sends it along when Community.coverage
   * is asked for (`@requires`). Absent in any other representation; clients never see it (`@inaccessible` in shops).
   */
  @Field(() => [OrderReach], { nullable: true })
  @Directive('@external')
  orderReach?: OrderReach[] | null;
}
