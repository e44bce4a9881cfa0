import { Collection, Entity, Enum, Index, ManyToOne, OneToMany, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { Directive, Field, Int, ObjectType } from 'type-graphql';
import { Product } from '../product/product.entity';
import { Shop } from '../shop/shop.entity';
import type { HouseholdShare } from '../pool/allocation';
import { GroupOrderStatus, HandOut, MinimumKind, takesSignUpsAt } from './order.enums';

/**
 * A group order 团购: a leader's sign-up list 接龙 with one shop, for one or more of its products. It lives with the
 * merchant (this node), so sign-ups, reservations and stock change in one transaction.
 */
@ObjectType({ description: "A group order 团购: a group leader's sign-up list 接龙 with one shop." })
@Directive('@key(fields: "id")')
@Entity({ tableName: 'group_order' })
@Index({ properties: ['status', 'deadline'] })
export class GroupOrder {
  [OptionalProps]?: 'localId' | 'status' | 'createdAt' | 'closedAt' | 'statusReason' | 'items' | 'signUps';

  @PrimaryKey({ fieldName: 'id', autoincrement: true })
  localId!: number;

  @ManyToOne(() => Shop, { deleteRule: 'restrict' })
  shop!: Shop;

  /** Global ID of the mutual-aid group (in the leader's community). */
  @Index()
  @Property({ type: 'text' })
  groupId!: string;

  /** Global ID of the group's compound: only its households sign up. */
  @Property({ type: 'text' })
  compoundId!: string;

  @Property({ type: 'text' })
  leaderHouseholdId!: string;

  @Field()
  @Property({ type: 'text' })
  title!: string;

  @Field({ description: 'Sign-ups close here; the order then forms or fails by itself.' })
  @Property({ type: 'timestamptz' })
  deadline!: Date;

  @Field(() => MinimumKind)
  @Enum({ items: () => MinimumKind, nativeEnumName: 'minimum_kind' })
  minimumKind!: MinimumKind;

  @Field(() => Int)
  @Property({ type: 'integer' })
  minimum!: number;

  @Field(() => HandOut)
  @Enum({ items: () => HandOut, nativeEnumName: 'hand_out' })
  handOut!: HandOut;

  @Field(() => GroupOrderStatus)
  @Enum({ items: () => GroupOrderStatus, nativeEnumName: 'group_order_status', default: GroupOrderStatus.OPEN })
  status: GroupOrderStatus = GroupOrderStatus.OPEN;

  /**
   * Why the order failed (or anything else worth saying about its status, e.g. that its pool was declined), in
   * English and Chinese.
   */
  @Property({ type: 'jsonb', nullable: true })
  statusReason?: { en: string; zh: string } | null;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  closedAt?: Date | null;

  /** Who opened it (the leader's `sub`). */
  @Property({ type: 'text' })
  openedBy!: string;

  @Field()
  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @OneToMany(() => GroupOrderItem, (item) => item.order)
  items = new Collection<GroupOrderItem>(this);

  @OneToMany(() => SignUp, (signUp) => signUp.order)
  signUps = new Collection<SignUp>(this);

  /** Whether households may still sign up or change: open or pooled, and before its deadline. */
  takesSignUps(now: Date): boolean {
    return takesSignUpsAt(this.status, this.deadline, now);
  }
}

/** A product offered in a group order. */
@Entity({ tableName: 'group_order_item' })
@Unique({ properties: ['order', 'product'] })
export class GroupOrderItem {
  [OptionalProps]?: 'localId';

  @PrimaryKey({ fieldName: 'id', autoincrement: true })
  localId!: number;

  @ManyToOne(() => GroupOrder, { deleteRule: 'cascade' })
  order!: GroupOrder;

  @ManyToOne(() => Product, { deleteRule: 'restrict' })
  product!: Product;
}

/** A household's place in a sign-up list, with its quantities. One per household per order. */
@ObjectType({ description: "A household's sign-up in a group order's list 接龙." })
@Entity({ tableName: 'sign_up' })
@Unique({ properties: ['order', 'householdId'] })
@Index({ properties: ['householdId'] })
export class SignUp {
  [OptionalProps]?: 'localId' | 'createdAt' | 'updatedAt' | 'withdrawnAt' | 'lines';

  @PrimaryKey({ fieldName: 'id', autoincrement: true })
  localId!: number;

  @ManyToOne(() => GroupOrder, { deleteRule: 'cascade' })
  order!: GroupOrder;

  /** Global ID of the household (in its own community). */
  @Property({ type: 'text' })
  householdId!: string;

  /** Building and address from the household's record in its community (地址实名), at sign-up: for hand-out lists, never a name. */
  @Property({ type: 'text' })
  building!: string;

  @Property({ type: 'text' })
  address!: string;

  /** Who signed up (issuer#subject): the resident, or a helper acting for the household (see HelperAction). */
  @Property({ type: 'text' })
  signedUpBy!: string;

  /** First sign-up time: the household's place in the list, kept when it changes its quantities. */
  @Field()
  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Field()
  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  updatedAt: Date = new Date();

  @Field(() => Date, { nullable: true, description: 'Set when the household withdrew; a withdrawn sign-up holds no place and no stock.' })
  @Property({ type: 'timestamptz', nullable: true })
  withdrawnAt?: Date | null;

  @OneToMany(() => SignUpLine, (line) => line.signUp)
  lines = new Collection<SignUpLine>(this);
}

@Entity({ tableName: 'sign_up_line' })
@Unique({ properties: ['signUp', 'product'] })
export class SignUpLine {
  [OptionalProps]?: 'localId' | 'reserved' | 'allocated' | 'explanation';

  @PrimaryKey({ fieldName: 'id', autoincrement: true })
  localId!: number;

  @ManyToOne(() => SignUp, { deleteRule: 'cascade' })
  signUp!: SignUp;

  @ManyToOne(() => Product, { deleteRule: 'restrict' })
  product!: Product;

  @Property({ type: 'integer' })
  quantity!: number;

  /** Units of this line held on the product's `reserved` count right now. */
  @Property({ type: 'integer', default: 0 })
  reserved: number = 0;

  /** Units the household gets once a pool allocated its group order's share (null before). */
  @Property({ type: 'integer', nullable: true })
  allocated?: number | null;

  /** Why the household got `allocated`: the rule and the numbers (see pool/allocation.ts). */
  @Property({ type: 'jsonb', nullable: true })
  explanation?: HouseholdShare['explanation'] | null;
}
