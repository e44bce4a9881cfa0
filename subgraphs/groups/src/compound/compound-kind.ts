import { registerEnumType } from 'type-graphql';

// Its own module (no ORM): the demo data and the launcher name it without loading the entities.
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
