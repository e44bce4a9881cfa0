import { Check, Entity, ManyToOne, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { badInput } from '@lilong/kit';
import { Directive, Field, Int, ObjectType } from 'type-graphql';
import { Shop } from '../shop/shop.entity';
import { adjustProblem, setProblem } from '../stock/stock.rules';

/**
 * A product on a shop's shelf. Stock lives here, with the merchant, so that "never sell more than is on the shelf"
 * is one row-level transaction (see ARCHITECTURE.md, data ownership).
 */
@ObjectType({ description: 'A product a shop sells, with its stock.' })
@Directive('@key(fields: "id")')
@Entity({ tableName: 'product' })
@Check({ name: 'product_pack_size_check', expression: 'pack_size >= 1' })
@Check({ name: 'product_on_hand_check', expression: 'on_hand >= 0' })
@Check({ name: 'product_reserved_check', expression: 'reserved >= 0 and reserved <= on_hand' })
@Check({ name: 'product_household_limit_check', expression: 'household_limit is null or household_limit >= 1' })
@Check({ name: 'product_low_stock_threshold_check', expression: 'low_stock_threshold >= 0' })
export class Product {
  [OptionalProps]?:
    | 'localId'
    | 'packSize'
    | 'householdLimit'
    | 'lowStockThreshold'
    | 'onHand'
    | 'reserved'
    | 'stockVersion'
    | 'stockUpdatedAt'
    | 'available'
    | 'lowStock';

  @PrimaryKey({ fieldName: 'id', autoincrement: true })
  localId!: number;

  @ManyToOne(() => Shop, { deleteRule: 'restrict' })
  shop!: Shop;

  @Field()
  @Property({ type: 'text' })
  name!: string;

  @Field({ description: 'Unit the price is for, e.g. "袋", "kg", "盒".' })
  @Property({ type: 'text' })
  unit!: string;

  @Field(() => Int, { description: 'Price per unit in fen (1/100 yuan).' })
  @Property({ type: 'integer' })
  priceFen!: number;

  @Field(() => Int, { description: 'Units per pack; pooled orders are rounded to whole packs.' })
  @Property({ type: 'integer', default: 1 })
  packSize: number = 1;

  @Field(() => Int, {
    nullable: true,
    description: 'Most units one household may take in one order; null when there is no per-household limit.',
  })
  @Property({ type: 'integer', nullable: true })
  householdLimit: number | null = null;

  @Field(() => Int, { description: 'Stock is low (Stock.low, Community.lowStock) when available <= this; 0: only when sold out.' })
  @Property({ type: 'integer', default: 0 })
  lowStockThreshold: number = 0;

  /** Units on the shelf. */
  @Property({ type: 'integer', default: 0 })
  onHand: number = 0;

  /** Units promised to accepted orders, not yet handed over; never more than `onHand`. */
  @Property({ type: 'integer', default: 0 })
  reserved: number = 0;

  /** Bumped by every stock change, so a merchant's client can refuse to overwrite a count it has not seen. */
  @Property({ type: 'integer', default: 0 })
  stockVersion: number = 0;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  stockUpdatedAt: Date = new Date();

  /** Units that can still be promised. */
  get available(): number {
    return Math.max(0, this.onHand - this.reserved);
  }

  /** Few enough left that the merchant should restock. */
  get lowStock(): boolean {
    return this.available <= this.lowStockThreshold;
  }

  /** Sets the shelf count; it may not drop below what is already promised to orders. */
  setOnHand(onHand: number, now = new Date()): void {
    const refused = setProblem(this, onHand);
    if (refused) throw badInput('input.onHand', refused.en, refused.zh);
    this.onHand = onHand;
    this.stockVersion += 1;
    this.stockUpdatedAt = now;
  }

  /** Adds `delta` units to the shelf (negative: removes them), never below what is promised to orders. */
  adjustOnHand(delta: number, now = new Date()): void {
    const refused = adjustProblem(this, delta);
    if (refused) throw badInput('input.delta', refused.en, refused.zh);
    this.setOnHand(this.onHand + delta, now);
  }
}
