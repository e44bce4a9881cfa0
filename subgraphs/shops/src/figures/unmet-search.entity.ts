import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * How often one normalised search term found nothing in stock in this community on one (Shanghai) day. Aggregated
 * on purpose: no caller, no time of each search, no household; only the count and the last time. Written by
 * `unmet-searches.ts` only, in batches, outside the searches themselves.
 */
@Entity({ tableName: 'unmet_search' })
export class UnmetSearchCount {
  @PrimaryKey({ type: 'date' })
  day!: string;

  @PrimaryKey({ type: 'text' })
  term!: string;

  @Property({ type: 'integer' })
  count!: number;

  @Property({ type: 'timestamptz' })
  lastSearchedAt!: Date;
}
