import DataLoader from 'dataloader';
import { loaderById, loaderByKey, loaderByParent } from '@lilong/kit';
import type { EntityManager } from '@mikro-orm/postgresql';
import { GroupOrder, GroupOrderItem, SignUp } from './order.entity';
import { GroupOrderStatus } from './order.enums';

const PLACE = { createdAt: 'asc', localId: 'asc' } as const;

/** Statuses in which an order still takes sign-ups. */
export const OPEN_STATUSES = [GroupOrderStatus.OPEN, GroupOrderStatus.POOLED];

export function createOrderLoaders(em: EntityManager) {
  return {
    groupOrder: loaderById(em, GroupOrder),
    itemsByOrder: loaderByParent(em, GroupOrderItem, 'order'),
    /** Active sign-ups of each order, in list order (first come first), with their lines. */
    activeSignUpsByOrder: new DataLoader<number, SignUp[]>(async (orderIds) => {
      const rows = await em.find(SignUp, { order: { localId: { $in: [...orderIds] } }, withdrawnAt: null }, { populate: ['lines'], orderBy: PLACE });
      return orderIds.map((id) => rows.filter((s) => s.order.localId === id));
    }),
    ordersByGroup: loaderByKey(em, GroupOrder, 'groupId', { orderBy: { createdAt: 'desc', localId: 'desc' } }),
    signUpsByHousehold: loaderByKey(em, SignUp, 'householdId', { orderBy: { updatedAt: 'desc', localId: 'desc' }, populate: ['lines'] }),
    /** Each shop's orders still taking sign-ups, by deadline (closed ones are never loaded). */
    openOrdersByShop: new DataLoader<number, GroupOrder[]>(async (shopIds) => {
      const rows = await em.find(
        GroupOrder,
        { shop: { localId: { $in: [...shopIds] } }, status: { $in: OPEN_STATUSES } },
        { orderBy: { deadline: 'asc', localId: 'asc' } },
      );
      return shopIds.map((id) => rows.filter((o) => o.shop.localId === id));
    }),
  };
}

export type OrderLoaders = ReturnType<typeof createOrderLoaders>;
