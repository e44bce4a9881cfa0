import { Entity, OptionalProps, Enum, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { Directive, Field, ObjectType } from 'type-graphql';
import { Compound } from '../compound/compound.entity';
import { Tenure } from './tenure';

export { Tenure };

/** "12-3-402" (building-unit-room; "8-客堂间" where there is no unit): how residents name each other in group chats. */
export function addressLabelOf(address: { building: string; unit: string; room: string }): string {
  return [address.building, address.unit, address.room].filter((part) => part !== '').join('-');
}

/** A household is an address, never a name (地址实名). */
@ObjectType({ description: 'A household 户, known by its address (building-unit-room), never by a name.' })
@Directive('@key(fields: "id")')
@Entity({ tableName: 'household' })
@Unique({ properties: ['compound', 'building', 'unit', 'room'] })
export class Household {
  [OptionalProps]?: 'localId' | 'createdAt' | 'addressLabel' | 'unit';

  @PrimaryKey({ fieldName: 'id', autoincrement: true })
  localId!: number;

  @ManyToOne(() => Compound, { deleteRule: 'restrict' })
  compound!: Compound;

  @Field({ description: 'Building number 楼号, e.g. "12".' })
  @Property({ type: 'text' })
  building!: string;

  @Field({ description: 'Unit 单元, empty where the building has none.' })
  @Property({ type: 'text', default: '' })
  unit: string = '';

  @Field({ description: 'Room 室, e.g. "402".' })
  @Property({ type: 'text' })
  room!: string;

  @Field(() => Tenure)
  @Enum({ items: () => Tenure, nativeEnumName: 'tenure' })
  tenure!: Tenure;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  /** "12-3-402": how residents name each other in group chats. */
  get addressLabel(): string {
    return addressLabelOf(this);
  }
}
