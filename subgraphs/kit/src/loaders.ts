import DataLoader from 'dataloader';
import type { EntityClass, FilterQuery, QueryOrderMap } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';

/** Entities of a community node keep their row ID as `localId`; the GraphQL `id` is the global one. */
export interface LocalEntity {
  localId: number;
}

/** Loads rows by local ID, one `select ... where id in (...)` per batch. */
export function loaderById<T extends LocalEntity>(em: EntityManager, entity: EntityClass<T>): DataLoader<number, T | undefined> {
  return new DataLoader(async (ids) => {
    const rows = await em.find(entity, { localId: { $in: [...ids] } } as FilterQuery<T>);
    const byId = new Map(rows.map((row) => [row.localId, row]));
    return ids.map((id) => byId.get(id));
  });
}

/**
 * Loads the children of many parents in one statement: `parentField` is the many-to-one relation (or integer
 * column) that points at the parent's local ID.
 */
export function loaderByParent<T extends object>(
  em: EntityManager,
  entity: EntityClass<T>,
  parentField: keyof T & string,
  orderBy: QueryOrderMap<T> = { localId: 'asc' } as QueryOrderMap<T>,
): DataLoader<number, T[]> {
  return new DataLoader(async (parentIds) => {
    const rows = await em.find(entity, { [parentField]: { $in: [...parentIds] } } as FilterQuery<T>, { orderBy });
    const groups = new Map<number, T[]>(parentIds.map((id) => [id, []]));
    for (const row of rows) {
      const parent = row[parentField] as unknown;
      const parentId = typeof parent === 'number' ? parent : (parent as LocalEntity).localId;
      groups.get(parentId)?.push(row);
    }
    return parentIds.map((id) => groups.get(id) ?? []);
  });
}

/**
 * Loads the rows whose text column equals one of the keys (e.g. a global ID pointing into another domain or
 * community), grouped by key, in one statement per batch; keys `skip` rejects are answered empty without a query.
 */
export function loaderByKey<T extends object>(
  em: EntityManager,
  entity: EntityClass<T>,
  field: keyof T & string,
  options: { orderBy?: QueryOrderMap<T>; populate?: string[]; skip?: (key: string) => boolean } = {},
): DataLoader<string, T[]> {
  return new DataLoader(async (keys) => {
    const wanted = options.skip ? keys.filter((k) => !options.skip!(k)) : [...keys];
    const rows =
      wanted.length === 0
        ? []
        : await em.find(entity, { [field]: { $in: wanted } } as FilterQuery<T>, {
            orderBy: options.orderBy ?? ({ localId: 'asc' } as QueryOrderMap<T>),
            populate: options.populate as never,
          });
    const groups = new Map<string, T[]>(keys.map((k) => [k, []]));
    for (const row of rows) groups.get(row[field] as unknown as string)?.push(row);
    return keys.map((k) => groups.get(k) ?? []);
  });
}
