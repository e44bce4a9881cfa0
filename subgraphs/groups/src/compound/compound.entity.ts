import { Entity, OptionalProps, Enum, PrimaryKey, Property } from '@mikro-orm/core';
import { Directive, Field, Float, ObjectType, registerEnumType } from 'type-graphql';

/** What kind of place a compound is; each kind tends to be forgotten in its own way (see DOMAIN.md). */
export enum CompoundKind {
  LANE_HOUSES = 'LANE_HOUSES',
  OLD_PUBLIC_HOUSING = 'OLD_PUBLIC_HOUSING',
  COMMODITY_HOUSING = 'COMMODITY_HOUSING',
  LONG_TERM_RENTAL = 'LONG_TERM_RENTAL',
  SHOPFRONT_DWELLINGS = 'SHOPFRONT_DWELLINGS',
  OTHER = 'OTHER',
}

registerEnumType(CompoundKind, {
  name: 'CompoundKind',
  description: 'Kind of compound 小区类型',
  valuesConfig: {
    LANE_HOUSES: { description: 'Lane houses 里弄' },
    OLD_PUBLIC_HOUSING: { description: 'Old public housing 老公房' },
    COMMODITY_HOUSING: { description: 'Commodity housing 商品房' },
    LONG_TERM_RENTAL: { description: 'Long-term rental apartment 长租公寓' },
    SHOPFRONT_DWELLINGS: { description: 'Shopfront dwellings 沿街商铺住户' },
    OTHER: { description: 'Other 其他' },
  },
});

@ObjectType({ description: 'A compound 小区: a gated estate, lane or building where households live.' })
@Directive('@key(fields: "id")')
@Entity({ tableName: 'compound' })
export class Compound {
  [OptionalProps]?: 'localId' | 'createdAt';

  @PrimaryKey({ fieldName: 'id', autoincrement: true })
  localId!: number;

  @Field()
  @Property({ type: 'text' })
  name!: string;

  @Field(() => CompoundKind)
  @Enum({ items: () => CompoundKind, nativeEnumName: 'compound_kind' })
  kind!: CompoundKind;

  @Field({ description: 'Street address of the compound gate.' })
  @Property({ type: 'text' })
  address!: string;

  @Field(() => Float, { description: 'Latitude of the main gate, WGS-84 degrees.' })
  @Property({ type: 'double' })
  lat!: number;

  @Field(() => Float, { description: 'Longitude of the main gate, WGS-84 degrees.' })
  @Property({ type: 'double' })
  lng!: number;

  @Field()
  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}
