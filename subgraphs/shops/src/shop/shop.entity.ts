import { Entity, Enum, Index, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Directive, Field, Float, ObjectType } from 'type-graphql';
import { ShopKind } from './shop-kind';

export { ShopKind };

@ObjectType({ description: 'A shop 商户 that tells the neighbourhood what it has on the shelf.' })
@Directive('@key(fields: "id")')
@Entity({ tableName: 'shop' })
export class Shop {
  [OptionalProps]?: 'localId' | 'createdAt';

  @PrimaryKey({ fieldName: 'id', autoincrement: true })
  localId!: number;

  @Field()
  @Property({ type: 'text' })
  name!: string;

  @Field(() => ShopKind)
  @Enum({ items: () => ShopKind, nativeEnumName: 'shop_kind' })
  kind!: ShopKind;

  @Field({ description: 'Street address of the shop.' })
  @Property({ type: 'text' })
  address!: string;

  @Field(() => Float, { description: 'Latitude of the shop door, WGS-84 degrees.' })
  @Property({ type: 'double' })
  lat!: number;

  @Field(() => Float, { description: 'Longitude of the shop door, WGS-84 degrees.' })
  @Property({ type: 'double' })
  lng!: number;

  /** Global ID of the compound (groups domain) the shop stands in; a cross-domain reference, so no foreign key. */
  @Index()
  @Property({ type: 'text' })
  compoundId!: string;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}
