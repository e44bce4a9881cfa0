import { Check, Entity, Enum, Index, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Directive, Field, Float, Int, ObjectType } from 'type-graphql';
import { Skill } from './skill';

/** Most seats a volunteer car may offer: a seven-seater plus the front seat is the largest the fleet had. */
export const MAX_VEHICLE_SEATS = 8;

@ObjectType({ description: 'A volunteer 志愿者 of the community: driver, escort, medicine runner.' })
@Directive('@key(fields: "id")')
@Entity({ tableName: 'volunteer' })
export class Volunteer {
  [OptionalProps]?: 'localId' | 'available' | 'activeTasks' | 'homeHouseholdId' | 'updatedAt' | 'createdAt' | 'baseLat' | 'baseLng';

  @PrimaryKey({ fieldName: 'id', autoincrement: true })
  localId!: number;

  @Field({ description: 'What the team calls them, e.g. "王师傅"; not necessarily a legal name.' })
  @Property({ type: 'text' })
  displayName!: string;

  @Field(() => [Skill])
  @Enum({ items: () => Skill, array: true })
  skills!: Skill[];

  @Field(() => Int, { description: 'Passenger seats in their car; 0 = no car.' })
  @Property({ type: 'int' })
  @Check({ expression: `vehicle_seats between 0 and ${MAX_VEHICLE_SEATS}` })
  vehicleSeats!: number;

  @Field({ description: 'Dispatch zone 片区, e.g. "A片".' })
  @Property({ type: 'text' })
  zone!: string;

  @Field({ description: 'Declared ready to take tasks now.' })
  @Property({ type: 'boolean', default: false })
  available: boolean = false;

  /** Global ID of the Compound (groups domain) they live in; always of this community. */
  @Index()
  @Property({ type: 'text' })
  compoundId!: string;

  /** Global ID of their Household (groups domain); private, see `Volunteer.home`. */
  @Property({ type: 'text', nullable: true })
  homeHouseholdId: string | null = null;

  /**
   * Where they set out from (WGS-84 degrees), for distances in dispatch: given at registration, else their
   * compound's gate. Null only for volunteers registered before bases were kept and whose compound is unknown.
   */
  @Field(() => Float, { nullable: true, description: 'Latitude of their base (where they set out from).' })
  @Property({ type: 'double', nullable: true })
  baseLat: number | null = null;

  @Field(() => Float, { nullable: true, description: 'Longitude of their base.' })
  @Property({ type: 'double', nullable: true })
  baseLng: number | null = null;

  @Field(() => Int, { description: 'Tasks currently assigned and not finished: their workload, for dispatch.' })
  @Property({ type: 'int', default: 0 })
  activeTasks: number = 0;

  @Field({ description: 'Last change, including a re-confirmed availability.' })
  @Property({ type: 'timestamptz', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date();

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}
