import { Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Directive, Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { GroupOrder } from '../order/order.entity';

export enum HelperActionKind {
  SIGNED_UP = 'SIGNED_UP',
  CHANGED = 'CHANGED',
  WITHDREW = 'WITHDREW',
}

registerEnumType(HelperActionKind, {
  name: 'HelperActionKind',
  description: 'What a helper did for a household in a group order 代办事项.',
  valuesConfig: {
    SIGNED_UP: { description: 'Signed the household up 代为报名' },
    CHANGED: { description: "Changed the household's quantities 代为修改数量" },
    WITHDREW: { description: 'Withdrew the household 代为取消报名' },
  },
});

/**
 * 代办记录: one thing a helper did for a household under a delegation, written in the same transaction as the
 * sign-up itself, where the order is kept. The committee lists them per delegation; the household sees them.
 */
@ObjectType({ description: 'Something a helper did for a household under a delegation (代办), for the committee and the household to see.' })
@Entity({ tableName: 'helper_action' })
@Index({ name: 'helper_action_delegation', properties: ['delegationId'] })
@Index({ name: 'helper_action_household', properties: ['householdId'] })
export class HelperAction {
  [OptionalProps]?: 'localId' | 'at';

  @PrimaryKey({ fieldName: 'id', autoincrement: true })
  localId!: number;

  /** Global ID of the delegation, in the household's community. */
  @Field(() => ID)
  @Property({ type: 'text' })
  delegationId!: string;

  @Field(() => ID)
  @Property({ type: 'text' })
  householdId!: string;

  @Field({ description: "The household's registered address, e.g. 8-客堂间." })
  @Property({ type: 'text' })
  address!: string;

  @ManyToOne(() => GroupOrder, { deleteRule: 'cascade' })
  order!: GroupOrder;

  @Field(() => HelperActionKind)
  @Enum({ items: () => HelperActionKind, nativeEnumName: 'helper_action_kind' })
  kind!: HelperActionKind;

  @Field({ description: 'The helper (issuer#subject).' })
  @Property({ type: 'text' })
  by!: string;

  @Field()
  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  at: Date = new Date();
}

/** The groups subgraph's Delegation, extended here with what its helper did in group orders. */
@ObjectType()
@Directive('@key(fields: "id")')
export class Delegation {
  @Field(() => ID)
  id!: string;
}
