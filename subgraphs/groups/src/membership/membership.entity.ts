import { Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { Group } from '../group/group.entity';
import { Household } from '../household/household.entity';

export enum MembershipKind {
  RESIDENT = 'RESIDENT',
  LEADER = 'LEADER',
  DEPUTY = 'DEPUTY',
  MERCHANT = 'MERCHANT',
  VOLUNTEER = 'VOLUNTEER',
  DISPATCHER = 'DISPATCHER',
  INFO_OFFICER = 'INFO_OFFICER',
  COMMITTEE = 'COMMITTEE',
}

registerEnumType(MembershipKind, {
  name: 'MembershipKind',
  description: "What a person is in a community, by the community's own records 社区登记的身份.",
  valuesConfig: {
    RESIDENT: { description: 'Lives in a household 本户居民 (needs household).' },
    LEADER: { description: "Leads a group 团长 (needs group); may appoint the group's deputies." },
    DEPUTY: { description: 'Deputy leader of a group 副团长 (needs group): does what the leader does but appoint.' },
    MERCHANT: { description: 'Runs a shop 商户 (needs shopId).' },
    VOLUNTEER: { description: 'Is a registered volunteer 志愿者 (needs volunteerId).' },
    DISPATCHER: { description: "Dispatches the community's volunteers 调度员." },
    INFO_OFFICER: { description: 'Information officer 信息员.' },
    COMMITTEE: { description: "Residents' committee staff 居委会工作人员." },
  },
});

@ObjectType({ description: 'A person, as their identity provider names them: issuer and subject together.' })
export class Person {
  @Field({ description: 'The identity provider (token `iss`).' })
  issuer!: string;

  @Field({ description: 'The person at that identity provider (token `sub`).' })
  subject!: string;
}

/**
 * One grant of one role to one person in this community. Never deleted: a revoked membership keeps who granted
 * and who revoked it, and when, so the committee can answer for every role it gave.
 */
@ObjectType({ description: "A person's role in this community, from the committee's records, with who granted it and when." })
@Entity({ tableName: 'membership' })
@Index({ name: 'membership_person', properties: ['personIssuer', 'personSubject'] })
export class Membership {
  [OptionalProps]?: 'localId' | 'grantedAt' | 'household' | 'group' | 'targetId' | 'revokedAt' | 'revokedBy' | 'note';

  @PrimaryKey({ fieldName: 'id', autoincrement: true })
  localId!: number;

  @Property({ type: 'text' })
  personIssuer!: string;

  @Property({ type: 'text' })
  personSubject!: string;

  @Field(() => MembershipKind)
  @Enum({ items: () => MembershipKind, nativeEnumName: 'membership_kind' })
  kind!: MembershipKind;

  @ManyToOne(() => Household, { nullable: true, deleteRule: 'restrict' })
  household: Household | null = null;

  @ManyToOne(() => Group, { nullable: true, deleteRule: 'restrict' })
  group: Group | null = null;

  /** The shop's (MERCHANT) or volunteer's (VOLUNTEER) local ID in this community; their records live in other domains. */
  @Property({ type: 'integer', nullable: true })
  targetId: number | null = null;

  @Field(() => String, { nullable: true, description: 'Why, as the grantor wrote it (e.g. "elected at the building meeting").' })
  @Property({ type: 'text', nullable: true })
  note: string | null = null;

  @Field({ description: 'Who granted it (issuer#subject), or "seed" for the demo.' })
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
}
