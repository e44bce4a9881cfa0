import { Entity, ManyToOne, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Household } from '../household/household.entity';

/**
 * A one-time code the committee hands to a household (printed on the door notice) so that a person living there
 * can link themself to it (地址实名: the address comes from this record, never from a token). Only a hash is kept.
 */
@Entity({ tableName: 'household_code' })
export class HouseholdCode {
  [OptionalProps]?: 'localId' | 'createdAt' | 'usedAt' | 'usedBy';

  @PrimaryKey({ fieldName: 'id', autoincrement: true })
  localId!: number;

  @ManyToOne(() => Household, { deleteRule: 'restrict' })
  household!: Household;

  /** SHA-256 of the code, hex. */
  @Property({ type: 'text', unique: true })
  codeHash!: string;

  @Property({ type: 'text' })
  issuedBy!: string;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz' })
  expiresAt!: Date;

  @Property({ type: 'timestamptz', nullable: true })
  usedAt: Date | null = null;

  @Property({ type: 'text', nullable: true })
  usedBy: string | null = null;
}
