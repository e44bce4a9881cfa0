import { Check, Entity, ManyToOne, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { badInput } from '@lilong/kit';
import { Directive, Field, Int, ObjectType } from 'type-graphql';
import { Shop } from '../shop/shop.entity';

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
export class Product {
  [OptionalProps]?: 'localId' | 'packSize' | 'onHand' | 'reserved' | 'stockVersion' | 'stockUpdatedAt' | 'available';

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

  /** Sets the shelf count; it may not drop below what is already promised to orders. */
  setOnHand(onHand: number, now = new Date()): void {
    if (onHand < this.reserved) {
      throw badInput(
        'input.onHand',
        `${onHand} is less than the ${this.reserved} already reserved for orders.`,
        `${onHand} 少于已为订单预留的 ${this.reserved}。`,
      );
    }
    this.onHand = onHand;
    this.stockVersion += 1;
    this.stockUpdatedAt = now;
  }
}
