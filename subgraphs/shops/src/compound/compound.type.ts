import { Directive, Field, Float, ID, ObjectType } from 'type-graphql';

/**
 * The groups subgraph's compound 小区, extended here with the shops that stand in it and those near it. Its
 * location comes from groups, in the representation (`@requires`), so this stub never touches the database.
 */
@ObjectType()
@Directive('@key(fields: "id")')
export class Compound {
  @Field(() => ID)
  id!: string;

  @Field(() => Float)
  @Directive('@external')
  lat!: number;

  @Field(() => Float)
  @Directive('@external')
  lng!: number;
}

/** What the hub sends: the key, plus lat/lng when a `@requires` field is asked for. */
export type CompoundRepresentation = Pick<Compound, 'id'> & Partial<Pick<Compound, 'lat' | 'lng'>>;
