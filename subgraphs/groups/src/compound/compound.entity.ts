import { Entity, OptionalProps, Enum, PrimaryKey, Property } from '@mikro-orm/core';
import { Directive, Field, Float, ObjectType } from 'type-graphql';
import { CompoundKind } from './compound-kind';

export { CompoundKind };

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
