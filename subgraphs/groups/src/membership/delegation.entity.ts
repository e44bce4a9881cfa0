import { ArrayType, Entity, Index, ManyToOne, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Directive, Field, ObjectType, registerEnumType } from 'type-graphql';
import { Household } from '../household/household.entity';

export enum DelegationScopeEnum {
  GROUP_ORDERS = 'GROUP_ORDERS',
  CARE_REQUESTS = 'CARE_REQUESTS',
}

registerEnumType(DelegationScopeEnum, {
  name: 'DelegationScope',
  description: 'What a helper may do for a household 代办范围.',
  valuesConfig: {
    GROUP_ORDERS: { description: 'Sign up for group orders and withdraw 团购接龙报名与取消.' },
    CARE_REQUESTS: { description: 'Ask for care: medicine pick-ups, medical trips 求助（代配药、就医）.' },
  },
});

/**
 * 代办: the committee's record that a helper (a volunteer, a leader, a neighbour) may act for a household that
 * cannot go online, with the household's consent, for some scopes and a period. Never deleted; revoking it stops
 * it at once (every request reads it afresh).
 */
@ObjectType({ description: 'A helper allowed to act for a household 代办, with its consent, scope and period.' })
@Directive('@key(fields: "id")')
@Entity({ tableName: 'delegation' })
@Index({ name: 'delegation_helper', properties: ['helperIssuer', 'helperSubject'] })
export class Delegation {
  [OptionalProps]?: 'localId' | 'grantedAt' | 'revokedAt' | 'revokedBy';

  @PrimaryKey({ fieldName: 'id', autoincrement: true })
  localId!: number;

  @ManyToOne(() => Household, { deleteRule: 'restrict' })
  household!: Household;

  @Property({ type: 'text' })
  helperIssuer!: string;

  @Property({ type: 'text' })
  helperSubject!: string;

  @Field(() => [DelegationScopeEnum])
  @Property({ type: ArrayType })
  scopes!: DelegationScopeEnum[];

  @Field({ description: 'How the household consented, as the committee noted it (e.g. "本人电话同意，张阿姨女儿在场").' })
  @Property({ type: 'text' })
  consent!: string;

  @Field()
  @Property({ type: 'timestamptz' })
  validFrom!: Date;

  @Field()
  @Property({ type: 'timestamptz' })
  validUntil!: Date;

  @Field({ description: 'Committee staff who recorded it (issuer#subject).' })
  @Property({ type: 'text' })
  grantedBy!: string;

  @Field()
  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  grantedAt: Date = new Date();

  @Field(() => Date, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  revokedAt: Date | null = null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  revokedBy: string | null = null;

  isActive(now: Date): boolean {
    return this.revokedAt === null && this.validFrom <= now && now < this.validUntil;
  }
}
