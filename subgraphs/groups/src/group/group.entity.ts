import { Entity, OptionalProps, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { Directive, Field, ObjectType } from 'type-graphql';
import { Compound } from '../compound/compound.entity';
import { Household } from '../household/household.entity';

@ObjectType({ description: "A compound's mutual-aid group 互助群, run by a leader household 团长." })
@Directive('@key(fields: "id")')
@Entity({ tableName: 'mutual_aid_group' })
export class Group {
  [OptionalProps]?: 'localId' | 'createdAt';

  @PrimaryKey({ fieldName: 'id', autoincrement: true })
  localId!: number;

  @Field()
  @Property({ type: 'text' })
  name!: string;

  @ManyToOne(() => Compound, { deleteRule: 'restrict' })
  compound!: Compound;

  @ManyToOne(() => Household, { deleteRule: 'restrict' })
  leader!: Household;

  @Field()
  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}
