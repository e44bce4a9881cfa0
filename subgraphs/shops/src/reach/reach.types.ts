import { Directive, Field, ID, ObjectType } from 'type-graphql';

/**
 * When group orders of one community last reached a household (of any community). Internal to the sub-district
 * (`@inaccessible`): the hub fetches it for `Community.coverage` in the groups domain, clients never see it.
 */
@ObjectType({ description: 'When a group order last reached a household 团购最近覆盖的住户 (internal to the hub).' })
@Directive('@inaccessible')
export class HouseholdReach {
  @Field(() => ID, { description: 'Global ID of the household, in its own community.' })
  householdId!: string;

  @Field({ description: 'Its latest sign-up that counts (see reach.service.ts), within the window.' })
  lastReachedAt!: Date;
}

/** One community's answer: the households of the asked community its group orders reached since `since`. */
@ObjectType({ description: "One community's group orders' reach of another's households 各社区团购覆盖 (internal to the hub)." })
@Directive('@inaccessible')
export class OrderReach {
  @Field({ description: 'The community whose group orders (at its shops) these are.' })
  community!: string;

  @Field({ description: 'Start of the window looked at: sign-ups before it are not counted.' })
  since!: Date;

  @Field(() => [HouseholdReach])
  households!: HouseholdReach[];
}
