import { Collection, Entity, Enum, Index, ManyToOne, OneToMany, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import type { BilingualMessage } from '@lilong/schema';
import { Directive, Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { GroupOrder } from '../order/order.entity';
import { Product } from '../product/product.entity';
import { Shop } from '../shop/shop.entity';
import type { AllocationExplanation } from './allocation';

export enum PoolStatus {
  OPEN = 'OPEN',
  FORMED = 'FORMED',
  FAILED = 'FAILED',
}

registerEnumType(PoolStatus, {
  name: 'PoolStatus',
  description: 'Where a pool 拼单 stands',
  valuesConfig: {
    OPEN: { description: 'Taking group orders 拼单中' },
    FORMED: { description: 'Reached its minimum; whole packs ordered and reserved 已成团' },
    FAILED: { description: 'Below its minimum at the deadline; nothing ordered 未成团' },
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
  [OptionalProps]?: 'localId' | 'status' | 'statusReason' | 'createdAt' | 'closedAt' | 'packs' | 'unitsOrdered' | 'entries';

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

  @Property({ type: 'jsonb', nullable: true })
  statusReason?: BilingualMessage | null;

  @Field(() => Int, { nullable: true, description: 'Packs ordered at the close.' })
  @Property({ type: 'integer', nullable: true })
  packs?: number | null;

  @Field(() => Int, { nullable: true, description: 'Units ordered at the close (packs × pack size).' })
  @Property({ type: 'integer', nullable: true })
  unitsOrdered?: number | null;

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

/** A group order in a pool, with the quantity and tolerance its leader asked for. */
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

  @Field(() => Int, { description: 'Units asked for, now.' })
  @Property({ type: 'integer' })
  quantity!: number;

  @Field(() => Int, { description: 'Extra units the group would accept to complete a pack.' })
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

/** Every change of an entry's quantity or tolerance, kept: first-come allocation depends on when units were asked. */
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
