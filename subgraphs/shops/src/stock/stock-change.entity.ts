import { Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Product } from '../product/product.entity';

export enum StockChangeKind {
  SET = 'SET',
  ADJUST = 'ADJUST',
  BATCH = 'BATCH',
  CSV_IMPORT = 'CSV_IMPORT',
  RESERVE = 'RESERVE',
  RELEASE = 'RELEASE',
  HAND_OVER = 'HAND_OVER',
}

registerEnumType(StockChangeKind, {
  name: 'StockChangeKind',
  description: 'What changed a product\'s stock 库存变动类型',
  valuesConfig: {
    SET: { description: 'The merchant counted the shelf (setStock) 盘点设定' },
    ADJUST: { description: 'The merchant added or removed units, with a reason (adjustStock) 增减调整' },
    BATCH: { description: 'Part of a batch update of a shop (updateStock) 批量更新' },
    CSV_IMPORT: { description: 'A row of a CSV stock import (importStockCsv) 表格导入' },
    RESERVE: { description: 'Units promised to an accepted order 订单预留' },
    RELEASE: { description: 'A promise to an order withdrawn 释放预留' },
    HAND_OVER: { description: 'Reserved units handed over to the order 交付出库' },
  },
});

/**
 * One change to one product's stock, written in the same transaction as the change itself, so the trail is never
 * missing an entry nor showing one that did not happen. Rows are only ever inserted.
 */
@ObjectType({ description: "One change to a product's stock, for its merchant's audit trail 库存变动记录." })
@Entity({ tableName: 'stock_change' })
@Index({ properties: ['product', 'at', 'localId'] })
export class StockChange {
  [OptionalProps]?: 'localId' | 'at' | 'reason';

  @PrimaryKey({ fieldName: 'id', autoincrement: true })
  localId!: number;

  @ManyToOne(() => Product, { deleteRule: 'restrict' })
  product!: Product;

  @Field(() => StockChangeKind)
  @Enum({ items: () => StockChangeKind, nativeEnumName: 'stock_change_kind' })
  kind!: StockChangeKind;

  @Field({ description: 'Who made the change: the subject (`sub`) of their token.' })
  @Property({ type: 'text' })
  actor!: string;

  @Field({ description: 'When the change was made.' })
  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  at: Date = new Date();

  @Field(() => Int, { description: 'Units on the shelf before the change.' })
  @Property({ type: 'integer' })
  onHandBefore!: number;

  @Field(() => Int, { description: 'Units on the shelf after the change.' })
  @Property({ type: 'integer' })
  onHandAfter!: number;

  @Field(() => Int, { description: 'Units reserved for orders before the change.' })
  @Property({ type: 'integer' })
  reservedBefore!: number;

  @Field(() => Int, { description: 'Units reserved for orders after the change.' })
  @Property({ type: 'integer' })
  reservedAfter!: number;

  @Field(() => String, { nullable: true, description: 'Why, in the words of whoever made the change.' })
  @Property({ type: 'text', nullable: true })
  reason: string | null = null;
}
