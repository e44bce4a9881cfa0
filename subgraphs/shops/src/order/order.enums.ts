import { registerEnumType } from 'type-graphql';

export enum MinimumKind {
  HOUSEHOLDS = 'HOUSEHOLDS',
  QUANTITY = 'QUANTITY',
}

export enum HandOut {
  PICKUP_AT_SHOP = 'PICKUP_AT_SHOP',
  DELIVERY_TO_GATE = 'DELIVERY_TO_GATE',
}

/**
 * OPEN: taking sign-ups. POOLED: joined a pool, which decides at its close (sign-ups still change the order, and its
 * pool entry follows them). FORMED 成团: reached its minimum, stock reserved. FAILED: did not (everything released,
 * `statusReason` says why). CONFIRMED: the merchant accepted it. HANDED_OVER: the goods left the shop.
 */
export enum GroupOrderStatus {
  OPEN = 'OPEN',
  POOLED = 'POOLED',
  FORMED = 'FORMED',
  FAILED = 'FAILED',
  CONFIRMED = 'CONFIRMED',
  HANDED_OVER = 'HANDED_OVER',
}

/** Whether an order in this status, with this deadline, still takes sign-ups and changes at `now`: open or pooled, and before its deadline. */
export const takesSignUpsAt = (status: GroupOrderStatus, deadline: Date, now: Date): boolean =>
  (status === GroupOrderStatus.OPEN || status === GroupOrderStatus.POOLED) && deadline.getTime() > now.getTime();

registerEnumType(MinimumKind, {
  name: 'MinimumKind',
  description: "What a group order's minimum counts 成团条件",
  valuesConfig: {
    HOUSEHOLDS: { description: 'Households signed up 户数' },
    QUANTITY: { description: 'Units signed up, all products together 件数' },
  },
});

registerEnumType(HandOut, {
  name: 'HandOut',
  description: 'How the goods reach the households 交付方式',
  valuesConfig: {
    PICKUP_AT_SHOP: { description: 'Picked up at the shop 到店自提' },
    DELIVERY_TO_GATE: { description: 'Delivered to the compound gate 送到小区门口' },
  },
});

/** Each status as Chinese messages name it (never the English value inside Chinese text). */
export const GROUP_ORDER_STATUS_ZH: Record<GroupOrderStatus, string> = {
  OPEN: '接龙中',
  POOLED: '已拼单',
  FORMED: '已成团',
  FAILED: '未成团',
  CONFIRMED: '商户已确认',
  HANDED_OVER: '已交付',
};

registerEnumType(GroupOrderStatus, {
  name: 'GroupOrderStatus',
  description: 'Where a group order 团购 stands',
  valuesConfig: {
    OPEN: { description: `Taking sign-ups ${GROUP_ORDER_STATUS_ZH.OPEN}` },
    POOLED: { description: `Joined a pool; decided when the pool closes ${GROUP_ORDER_STATUS_ZH.POOLED}` },
    FORMED: { description: `Reached its minimum; stock reserved ${GROUP_ORDER_STATUS_ZH.FORMED}` },
    FAILED: { description: `Did not form; everything released ${GROUP_ORDER_STATUS_ZH.FAILED}` },
    CONFIRMED: { description: `Accepted by the merchant ${GROUP_ORDER_STATUS_ZH.CONFIRMED}` },
    HANDED_OVER: { description: `Goods handed over ${GROUP_ORDER_STATUS_ZH.HANDED_OVER}` },
  },
});
