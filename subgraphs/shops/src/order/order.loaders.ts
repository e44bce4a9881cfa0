import DataLoader from 'dataloader';
import { loaderById, loaderByParent } from '@lilong/kit';
import type { EntityManager } from '@mikro-orm/postgresql';
import { GroupOrder, GroupOrderItem, SignUp } from './order.entity';
import { GroupOrderStatus } from './order.enums';

/** Loads rows whose text column is one of the keys, one statement per batch. */
function byText<T extends object>(load: (keys: string[]) => Promise<T[]>, keyOf: (row: T) => string): DataLoader<string, T[]> {
  return new DataLoader(async (keys) => {
    const rows = await load([...keys]);
    return keys.map((key) => rows.filter((row) => keyOf(row) === key));
  });
}

const PLACE = { createdAt: 'asc', localId: 'asc' } as const;

export function createOrderLoaders(em: EntityManager) {
  return {
    groupOrder: loaderById(em, GroupOrder),
    itemsByOrder: loaderByParent(em, GroupOrderItem, 'order'),
    /** Active sign-ups of each order, in list order (first come first), with their lines. */
    activeSignUpsByOrder: new DataLoader<number, SignUp[]>(async (orderIds) => {
      const rows = await em.find(SignUp, { order: { localId: { $in: [...orderIds] } }, withdrawnAt: null }, { populate: ['lines'], orderBy: PLACE });
      return orderIds.map((id) => rows.filter((s) => s.order.localId === id));
    }),
    ordersByGroup: byText((groupIds) => em.find(GroupOrder, { groupId: { $in: groupIds } }, { orderBy: { createdAt: 'desc', localId: 'desc' } }), (o) => o.groupId),
    signUpsByHousehold: byText(
      (householdIds) => em.find(SignUp, { householdId: { $in: householdIds } }, { populate: ['lines'], orderBy: { updatedAt: 'desc', localId: 'desc' } }),
      (s) => s.householdId,
    ),
    openOrdersByShop: loaderByParent(em, GroupOrder, 'shop', { deadline: 'asc', localId: 'asc' }),
  };
}

export const OPEN_STATUSES = [GroupOrderStatus.OPEN, GroupOrderStatus.POOLED];
export type OrderLoaders = ReturnType<typeof createOrderLoaders>;
