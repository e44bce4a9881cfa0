import { registerEnumType } from 'type-graphql';

// Its own module (no ORM): the demo data and the launcher name it without loading the entities.
export enum ShopKind {
  GROCERY = 'GROCERY',
  SUPERMARKET = 'SUPERMARKET',
  PHARMACY = 'PHARMACY',
  RESTAURANT = 'RESTAURANT',
  BAKERY = 'BAKERY',
  CAFE = 'CAFE',
  FLORIST = 'FLORIST',
  FRUIT = 'FRUIT',
  OTHER = 'OTHER',
}

registerEnumType(ShopKind, {
  name: 'ShopKind',
  description: 'Kind of shop 商户类型',
  valuesConfig: {
    GROCERY: { description: 'Grocery 副食品店' },
    SUPERMARKET: { description: 'Supermarket 超市' },
    PHARMACY: { description: 'Pharmacy 药房' },
    RESTAURANT: { description: 'Restaurant 餐馆' },
    BAKERY: { description: 'Bakery 面包店' },
    CAFE: { description: 'Café 咖啡馆' },
    FLORIST: { description: 'Florist 花店' },
    FRUIT: { description: 'Fruit shop 水果店' },
    OTHER: { description: 'Other 其他' },
  },
});
