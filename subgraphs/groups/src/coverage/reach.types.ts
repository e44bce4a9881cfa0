import { Directive, Field, ID, ObjectType } from 'type-graphql';

/*
 * The shops domain's answer about group orders, as the hub hands it to this domain in a Community representation
 * (`@requires` on Community.coverage). Declared here only to name the external field's shape; the shops domain
 * resolves it (shops/src/reach), so every field here is `@external`. Internal to the sub-district: clients never see these types.
 */

@ObjectType({ description: 'When a group order last reached a household 团购最近覆盖的住户 (internal to the hub).' })
@Directive('@inaccessible')
export class HouseholdReach {
  @Directive('@external')
  @Field(() => ID)
  householdId!: string;

  @Directive('@external')
  @Field()
  lastReachedAt!: Date;
}

@ObjectType({ description: "One community's group orders' reach of another's households 各社区团购覆盖 (internal to the hub)." })
@Directive('@inaccessible')
export class OrderReach {
  @Directive('@external')
  @Field()
  community!: string;

  @Directive('@external')
  @Field()
  since!: Date;

  @Directive('@external')
  @Field(() => [HouseholdReach])
  households!: HouseholdReach[];
}
