import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'A term people searched for that no shop of the community had in stock 搜不到货的商品, counted per day (no searcher is kept).' })
export class UnmetSearch {
  @Field({ description: 'The search text, normalised (NFKC, lower case, spaces collapsed).' })
  term!: string;

  @Field(() => Int, { description: 'Searches in the period that found nothing in stock here (first pages only).' })
  count!: number;

  @Field({ description: 'The last such search.' })
  lastSearchedAt!: Date;
}

@ObjectType({ description: "One day's group orders of the community's shops that closed: formed 成团 or failed 未成团." })
export class OrderOutcomeDay {
  @Field({ description: 'The day, YYYY-MM-DD, Shanghai time.' })
  day!: string;

  @Field(() => Int, { description: 'Orders that reached their minimum that day (formed, since confirmed or handed over too).' })
  formed!: number;

  @Field(() => Int, { description: 'Orders that closed without reaching it that day.' })
  failed!: number;
}
