import { Collection, Entity, Enum, Index, ManyToOne, OneToMany, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import type { BilingualMessage } from '@lilong/schema';
import { Directive, Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { GroupOrder } from '../order/order.entity';
import { Product } from '../product/product.entity';
import { Shop } from '../shop/shop.entity';
import type { AllocationExplanation } from './allocation';

/**
 * PROPOSED: a leader proposed it; it takes orders but no allocation or close until the shop's merchant accepts it.
 * OPEN: accepted (a merchant's own pool is accepted at once); closes at its deadline. FORMED / FAILED: decided.
 * DECLINED: the merchant declined it, or did not accept it before its deadline; its orders left it.
 */
export enum PoolStatus {
  PROPOSED = 'PROPOSED',
  OPEN = 'OPEN',
  FORMED = 'FORMED',
  FAILED = 'FAILED',
  DECLINED = 'DECLINED',
}

/** Each status as Chinese messages name it (never the English value inside Chinese text). */
export const POOL_STATUS_ZH: Record<PoolStatus, string> = {
  PROPOSED: '待商户接受',
  OPEN: '拼单中',
  FORMED: '已成团',
  FAILED: '未成团',
  DECLINED: '商户未接受',
};

registerEnumType(PoolStatus, {
  name: 'PoolStatus',
  description: 'Where a pool 拼单 stands',
  valuesConfig: {
    PROPOSED: {
      description: `Proposed by a group leader: takes group orders, waits for the shop's merchant to accept it before it can close ${POOL_STATUS_ZH.PROPOSED}`,
    },
    OPEN: { description: `Accepted by the merchant and taking group orders until its deadline ${POOL_STATUS_ZH.OPEN}` },
    FORMED: { description: `Reached its minimum; whole packs ordered and reserved ${POOL_STATUS_ZH.FORMED}` },
    FAILED: { description: `Below its minimum at the deadline; nothing ordered ${POOL_STATUS_ZH.FAILED}` },
    DECLINED: {
      description: `The merchant declined it (statusReason says why) or did not accept it before its deadline; its group orders left it and run on their own ${POOL_STATUS_ZH.DECLINED}`,
    },
  },
});

/**
 * A pool 拼单: group orders from compounds anywhere in the sub-district combine for one product of one shop, until
 * enough whole packs reach the merchant's minimum. Lives with the merchant, like the orders that join it.
 */
@ObjectType({ description: 'A pool 拼单: group orders from many compounds combined to reach a merchant’s minimum in whole packs.' })
@Directive('@key(fields: "id")')
@Entity({ tableName: 'pool' })
@Index({ properties: ['status', 'deadline'] })
export class Pool {
  [OptionalProps]?: 'localId' | 'status' | 'statusReason' | 'createdAt' | 'closedAt' | 'acceptedAt' | 'acceptedBy' | 'packs' | 'unitsOrdered' | 'entries';

  @PrimaryKey({ fieldName: 'id', autoincrement: true })
  localId!: number;

  @ManyToOne(() => Shop, { deleteRule: 'restrict' })
  shop!: Shop;

  @ManyToOne(() => Product, { deleteRule: 'restrict' })
  product!: Product;

  @Field(() => Int, { description: 'Units per pack, fixed when the pool opened.' })
  @Property({ type: 'integer' })
  packSize!: number;

  @Field(() => Int, { description: 'Whole packs the merchant needs for the pool to form.' })
  @Property({ type: 'integer' })
  minimumPacks!: number;

  @Field()
  @Property({ type: 'timestamptz' })
  deadline!: Date;

  @Field(() => PoolStatus)
  @Enum({ items: () => PoolStatus, nativeEnumName: 'pool_status', default: PoolStatus.OPEN })
  status: PoolStatus = PoolStatus.OPEN;

  @Field(() => Date, { nullable: true, description: "When the shop's merchant accepted the pool (at once for a pool the merchant opened); null while proposed." })
  @Property({ type: 'timestamptz', nullable: true })
  acceptedAt?: Date | null;

  /** Who accepted it: the merchant's `sub`. */
  @Property({ type: 'text', nullable: true })
  acceptedBy?: string | null;

  @Property({ type: 'jsonb', nullable: true })
  statusReason?: BilingualMessage | null;

  @Field(() => Int, { nullable: true, description: 'Packs ordered at the close.' })
  @Property({ type: 'integer', nullable: true })
  packs?: number | null;

  @Field(() => Int, { nullable: true, description: 'Units ordered at the close (packs × pack size).' })
  @Property({ type: 'integer', nullable: true })
  unitsOrdered?: number | null;

  /** Who opened (merchant) or proposed (leader) it: their `sub`. */
  @Property({ type: 'text' })
  openedBy!: string;

  @Field()
  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Field(() => Date, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  closedAt?: Date | null;

  @OneToMany(() => PoolEntry, (entry) => entry.pool)
  entries = new Collection<PoolEntry>(this);
}

/** A group order in a pool: its sign-ups' units (kept in step with them) and the tolerance its leader offers. */
@ObjectType({ description: 'A group order’s place in a pool: quantity, tolerance, and after the close what it got and why.' })
@Entity({ tableName: 'pool_entry' })
@Unique({ properties: ['pool', 'order'] })
export class PoolEntry {
  [OptionalProps]?: 'localId' | 'joinedAt' | 'allocated' | 'explanation' | 'changes';

  @PrimaryKey({ fieldName: 'id', autoincrement: true })
  localId!: number;

  @ManyToOne(() => Pool, { deleteRule: 'cascade' })
  pool!: Pool;

  @ManyToOne(() => GroupOrder, { deleteRule: 'cascade' })
  order!: GroupOrder;

  @Field(() => Int, { description: "Units the group order's households signed up for, now: it follows every sign-up, change and withdrawal." })
  @Property({ type: 'integer' })
  quantity!: number;

  @Field(() => Int, { description: 'Extra units the leader accepts for the group to complete a pack; any used are shared among its households.' })
  @Property({ type: 'integer' })
  tolerance!: number;

  @Field()
  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  joinedAt: Date = new Date();

  @Field(() => Int, { nullable: true, description: 'Units allocated at the close; null while the pool is open.' })
  @Property({ type: 'integer', nullable: true })
  allocated?: number | null;

  @Property({ type: 'jsonb', nullable: true })
  explanation?: AllocationExplanation | null;

  @OneToMany(() => PoolEntryChange, (change) => change.entry)
  changes = new Collection<PoolEntryChange>(this);
}

/**
 * Every change of an entry's quantity (a sign-up changing) or tolerance (the leader), kept: first-come allocation
 * depends on when units were asked.
 */
@Entity({ tableName: 'pool_entry_change' })
export class PoolEntryChange {
  [OptionalProps]?: 'localId';

  @PrimaryKey({ fieldName: 'id', autoincrement: true })
  localId!: number;

  @ManyToOne(() => PoolEntry, { deleteRule: 'cascade' })
  entry!: PoolEntry;

  @Property({ type: 'timestamptz' })
  at!: Date;

  /** The entry's total quantity after the change. */
  @Property({ type: 'integer' })
  quantity!: number;

  /** The entry's total tolerance after the change. */
  @Property({ type: 'integer' })
  tolerance!: number;
}
