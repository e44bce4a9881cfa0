import { ArrayType, Embeddable, Embedded, Entity, Enum, Index, JsonType, ManyToOne, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { Directive, Field, Int, ObjectType } from 'type-graphql';
import { Volunteer } from '../volunteer/volunteer.entity';
import { CareKind, CareStatus, CommitmentState, TripPurpose, Urgency } from './care.enums';

/**
 * Where a task starts: the household, as the committee's records placed it when the request was made. `area` is
 * what anyone working on the request sees ("新华一村 8号楼"); `address` only the household, dispatch, and the
 * volunteer assigned while the task runs.
 */
@Embeddable()
export class CarePlace {
  /** Global ID of the household (groups domain). */
  @Property({ type: 'text' })
  householdId!: string;

  @Property({ type: 'text' })
  compoundId!: string;

  @Property({ type: 'text' })
  building!: string;

  /** Compound and building: what a volunteer sees before the task is theirs. */
  @Property({ type: 'text' })
  area!: string;

  /** Registered building-unit-room ("8-客堂间"). */
  @Property({ type: 'text' })
  addressLabel!: string;

  /** Street address of the gate and the household's building-unit-room. */
  @Property({ type: 'text' })
  address!: string;

  @Property({ type: 'double' })
  lat!: number;

  @Property({ type: 'double' })
  lng!: number;
}

/** A recurring medical trip (dialysis three times a week): creates each trip ahead of time. */
@ObjectType({ description: 'A recurring medical trip 定期就医 (e.g. dialysis three times a week): each trip is created ahead of time.' })
@Directive('@key(fields: "id")')
@Entity({ tableName: 'care_series' })
export class CareSeries {
  [OptionalProps]?: 'localId' | 'createdAt' | 'stoppedAt' | 'contactPhone' | 'notes' | 'createdUntil';

  @PrimaryKey({ fieldName: 'id', autoincrement: true })
  localId!: number;

  @Embedded(() => CarePlace, { prefix: 'place_' })
  place!: CarePlace;

  @Field(() => TripPurpose)
  @Enum({ items: () => TripPurpose, nativeEnumName: 'trip_purpose' })
  purpose!: TripPurpose;

  @Field({ description: 'Hospital or clinic, e.g. "瑞金医院血透室".' })
  @Property({ type: 'text' })
  destination!: string;

  @Field(() => [Int], { description: 'ISO weekdays of the trips: 1 = Monday ... 7 = Sunday.' })
  @Property({ type: new ArrayType<number>((i) => Number(i)), columnType: 'integer[]' })
  weekdays!: number[];

  @Field({ description: 'Time of the pick-up, Shanghai time, "HH:MM".' })
  @Property({ type: 'text' })
  startTime!: string;

  @Field(() => Int, { description: 'How long each trip takes, there and back, in minutes.' })
  @Property({ type: 'int' })
  durationMinutes!: number;

  @Field({ description: 'First day, "YYYY-MM-DD" (Shanghai).' })
  @Property({ type: 'text' })
  firstDay!: string;

  @Field({ description: 'Last day, "YYYY-MM-DD" (Shanghai).' })
  @Property({ type: 'text' })
  lastDay!: string;

  @Field(() => Int)
  @Property({ type: 'int' })
  passengers!: number;

  @Field()
  @Property({ type: 'boolean' })
  wheelchair!: boolean;

  @Field()
  @Property({ type: 'boolean' })
  returnTrip!: boolean;

  @Property({ type: 'text', nullable: true })
  contactPhone: string | null = null;

  @Field()
  @Property({ type: 'text', default: '' })
  notes: string = '';

  @Property({ type: 'text' })
  requestedBy!: string;

  /** The last day (Shanghai) trips have been created for. */
  @Property({ type: 'text', nullable: true })
  createdUntil: string | null = null;

  @Field()
  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Field(() => Date, { nullable: true, description: 'When it was stopped; its trips not yet under way were cancelled.' })
  @Property({ type: 'timestamptz', nullable: true })
  stoppedAt: Date | null = null;
}

/**
 * A care request 求助, held in the requester's community: what is needed, for which household, when, and where it
 * stands. Once triaged it is the task a volunteer takes; every step is a `CareEvent`.
 */
@ObjectType({ description: 'A care request 求助: a medicine pick-up, a medical trip or urgent help, and where it stands.' })
@Directive('@key(fields: "id")')
@Entity({ tableName: 'care_request' })
@Index({ properties: ['status', 'urgency', 'createdAt'] })
@Index({ name: 'care_request_place_household_id_index', expression: 'create index "care_request_place_household_id_index" on "volunteers"."care_request" ("place_household_id")' })
@Unique({ properties: ['series', 'windowStart'] })
export class CareRequest {
  [OptionalProps]?:
    | 'localId' | 'status' | 'statusReason' | 'zone' | 'mergedIntoId' | 'requestedViaDelegation' | 'series' | 'volunteerId'
    | 'offerExpiresAt' | 'offerCount' | 'triagedAt' | 'offeredAt' | 'acceptedAt' | 'startedAt' | 'finishedAt' | 'createdAt'
    | 'updatedAt' | 'contactPhone' | 'notes' | 'purpose' | 'destination' | 'prescriptions' | 'volunteerName' | 'holdPending';

  @PrimaryKey({ fieldName: 'id', autoincrement: true })
  localId!: number;

  @Embedded(() => CarePlace, { prefix: 'place_' })
  place!: CarePlace;

  @Property({ type: 'text', nullable: true })
  contactPhone: string | null = null;

  @Field(() => CareKind)
  @Enum({ items: () => CareKind, nativeEnumName: 'care_kind' })
  kind!: CareKind;

  @Field(() => TripPurpose, { nullable: true, description: 'Why (medical trips only).' })
  @Enum({ items: () => TripPurpose, nativeEnumName: 'trip_purpose', nullable: true })
  purpose: TripPurpose | null = null;

  @Field(() => String, { nullable: true, description: 'The pharmacy or hospital, e.g. "瑞金医院".' })
  @Property({ type: 'text', nullable: true })
  destination: string | null = null;

  @Field(() => [String], { description: 'The prescription list (medicine pick-ups): one medicine per line.' })
  @Property({ type: new ArrayType<string>(), columnType: 'text[]', default: '{}' })
  prescriptions: string[] = [];

  @Field(() => Urgency)
  @Enum({ items: () => Urgency, nativeEnumName: 'urgency' })
  urgency!: Urgency;

  @Field({ description: 'Earliest start of the task.' })
  @Property({ type: 'timestamptz' })
  windowStart!: Date;

  @Field({ description: 'Latest end of the task.' })
  @Property({ type: 'timestamptz' })
  windowEnd!: Date;

  @Field(() => Int, { description: 'People to drive (patient and companions); 0 for a pick-up.' })
  @Property({ type: 'int', default: 0 })
  passengers!: number;

  @Field({ description: 'A wheelchair comes along: the volunteer must be able to carry one.' })
  @Property({ type: 'boolean', default: false })
  wheelchair!: boolean;

  @Field({ description: 'The patient is driven back too.' })
  @Property({ type: 'boolean', default: false })
  returnTrip!: boolean;

  @Field({ description: 'Anything else the volunteer must know.' })
  @Property({ type: 'text', default: '' })
  notes: string = '';

  @Field(() => String, { nullable: true, description: 'Dispatch zone 片区, from the compound or set at triage.' })
  @Property({ type: 'text', nullable: true })
  zone: string | null = null;

  @Field(() => CareStatus)
  @Enum({ items: () => CareStatus, nativeEnumName: 'care_status', default: CareStatus.SUBMITTED })
  status: CareStatus = CareStatus.SUBMITTED;

  @Field(() => String, { nullable: true, description: 'Why it was declined, failed or cancelled, or where it was referred.' })
  @Property({ type: 'text', nullable: true })
  statusReason: string | null = null;

  @Property({ type: 'int', nullable: true })
  mergedIntoId: number | null = null;

  /** Who asked: the actor (issuer#subject) of the household member, the helper, or dispatch taking a phone call. */
  @Property({ type: 'text' })
  requestedBy!: string;

  /** The delegation (代办) a helper asked under, if one did. */
  @Property({ type: 'text', nullable: true })
  requestedViaDelegation: string | null = null;

  @ManyToOne(() => CareSeries, { nullable: true, deleteRule: 'restrict' })
  series: CareSeries | null = null;

  /** Global ID of the volunteer offered or assigned (of this community, or borrowed from another). */
  @Index()
  @Property({ type: 'text', nullable: true })
  volunteerId: string | null = null;

  @Field(() => Date, { nullable: true, description: 'An offer not answered by then goes back to the queue by itself.' })
  @Property({ type: 'timestamptz', nullable: true })
  offerExpiresAt: Date | null = null;

  /** What the volunteer offered or assigned is called, as their community answered (they may be borrowed). */
  @Field(() => String, { nullable: true, description: 'What the volunteer offered or assigned is called, e.g. "王师傅".' })
  @Property({ type: 'text', nullable: true })
  volunteerName: string | null = null;

  /**
   * The offer's hold on a borrowed volunteer is not yet confirmed by their community (the relay carries it); the
   * volunteer cannot accept before it is. Always false for a volunteer of this community (held at once).
   */
  @Field({ description: "The offer waits for the borrowed volunteer's community to confirm it holds them; they can accept once it has." })
  @Property({ type: 'boolean', default: false })
  holdPending: boolean = false;

  /** Offers made so far; each offer's hold on a volunteer is keyed by it. */
  @Property({ type: 'int', default: 0 })
  offerCount: number = 0;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  triagedAt: Date | null = null;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  offeredAt: Date | null = null;

  @Field(() => Date, { nullable: true, description: 'When a volunteer accepted it.' })
  @Property({ type: 'timestamptz', nullable: true })
  acceptedAt: Date | null = null;

  @Field(() => Date, { nullable: true, description: 'When it got under way (picked up).' })
  @Property({ type: 'timestamptz', nullable: true })
  startedAt: Date | null = null;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  finishedAt: Date | null = null;

  @Field({ description: 'When it was asked for.' })
  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Field()
  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  updatedAt: Date = new Date();
}

/** One step of a care request's life, with who and when: the audit trail the household reads. */
@ObjectType({ description: "One step of a care request's life 进度记录: who moved it where, and when." })
@Entity({ tableName: 'care_event' })
export class CareEvent {
  [OptionalProps]?: 'localId' | 'from' | 'note' | 'volunteerId';

  @PrimaryKey({ fieldName: 'id', autoincrement: true })
  localId!: number;

  @Index()
  @ManyToOne(() => CareRequest, { deleteRule: 'cascade' })
  request!: CareRequest;

  @Field(() => CareStatus, { nullable: true })
  @Enum({ items: () => CareStatus, nativeEnumName: 'care_status', nullable: true })
  from: CareStatus | null = null;

  @Field(() => CareStatus)
  @Enum({ items: () => CareStatus, nativeEnumName: 'care_status' })
  to!: CareStatus;

  /** Who (issuer#subject, or the scheduler). Shown by role, never by name. */
  @Property({ type: 'text' })
  actor!: string;

  @Field({ description: 'Who did it, by role: 居民, 代办人, 调度员, 志愿者, 系统.' })
  @Property({ type: 'text' })
  by!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  note: string | null = null;

  @Property({ type: 'text', nullable: true })
  volunteerId: string | null = null;

  @Field()
  @Property({ type: 'timestamptz' })
  at!: Date;
}

/** A step of the protective protocol, as the community configured it for a kind of task. */
@ObjectType({ description: 'A step of the protective protocol 防护流程 for a kind of task.' })
@Entity({ tableName: 'protocol_step' })
@Unique({ properties: ['kind', 'position'] })
export class ProtocolStep {
  [OptionalProps]?: 'localId';

  @PrimaryKey({ fieldName: 'id', autoincrement: true })
  localId!: number;

  @Field(() => CareKind)
  @Enum({ items: () => CareKind, nativeEnumName: 'care_kind' })
  kind!: CareKind;

  @Field(() => Int, { description: '1, 2, ...: the order the volunteer ticks them in.' })
  @Property({ type: 'int' })
  position!: number;

  @Field({ description: 'e.g. "穿戴防护服、N95口罩、手套".' })
  @Property({ type: 'text' })
  label!: string;

  @Field()
  @Property({ type: 'text' })
  labelEn!: string;

  @Field({ description: 'A task cannot be marked done with a required step missing.' })
  @Property({ type: 'boolean' })
  required!: boolean;
}

/** The protocol of one task, copied from the community's when the volunteer accepted it, and how far they got. */
@ObjectType({ description: "A protocol step of one task, and whether the volunteer has ticked it 任务防护步骤." })
@Entity({ tableName: 'task_step' })
@Unique({ properties: ['request', 'position'] })
export class TaskStep {
  [OptionalProps]?: 'localId' | 'doneAt' | 'doneBy';

  @PrimaryKey({ fieldName: 'id', autoincrement: true })
  localId!: number;

  @ManyToOne(() => CareRequest, { deleteRule: 'cascade' })
  request!: CareRequest;

  @Field(() => Int)
  @Property({ type: 'int' })
  position!: number;

  @Field()
  @Property({ type: 'text' })
  label!: string;

  @Field()
  @Property({ type: 'text' })
  labelEn!: string;

  @Field()
  @Property({ type: 'boolean' })
  required!: boolean;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  doneAt: Date | null = null;

  @Property({ type: 'text', nullable: true })
  doneBy: string | null = null;
}

/** Which dispatch zone a compound's requests fall in. */
@Entity({ tableName: 'compound_zone' })
export class CompoundZone {
  @PrimaryKey({ type: 'text' })
  compoundId!: string;

  @Property({ type: 'text' })
  zone!: string;
}

/** A window in which a volunteer is ready to take tasks 值班时段. */
@ObjectType({ description: 'A window in which a volunteer is ready to take tasks 值班时段.' })
@Entity({ tableName: 'shift' })
@Index({ properties: ['volunteer', 'endsAt'] })
export class Shift {
  [OptionalProps]?: 'localId';

  @PrimaryKey({ fieldName: 'id', autoincrement: true })
  localId!: number;

  @ManyToOne(() => Volunteer, { deleteRule: 'cascade' })
  volunteer!: Volunteer;

  @Field()
  @Property({ type: 'timestamptz' })
  startsAt!: Date;

  @Field()
  @Property({ type: 'timestamptz' })
  endsAt!: Date;
}

/**
 * A volunteer's hold on a task's window, kept in the volunteer's own community (the task may be another's): while
 * HELD, no other task overlapping the window can be offered to them.
 */
@ObjectType({ description: "A volunteer's hold on a task 志愿者任务占用: their queue is made of these." })
@Entity({ tableName: 'care_commitment' })
@Index({ properties: ['volunteer', 'state'] })
export class CareCommitment {
  [OptionalProps]?: 'localId' | 'state' | 'createdAt' | 'releasedAt' | 'reason';

  @PrimaryKey({ fieldName: 'id', autoincrement: true })
  localId!: number;

  @ManyToOne(() => Volunteer, { deleteRule: 'restrict' })
  volunteer!: Volunteer;

  /** Global ID of the care request, in whichever community holds it. */
  @Index()
  @Property({ type: 'text' })
  taskId!: string;

  /** The offer this hold is for: `<taskId>#<offer number>`; a retried offer finds its hold by it. */
  @Unique()
  @Property({ type: 'text' })
  holdKey!: string;

  @Field()
  @Property({ type: 'timestamptz' })
  windowStart!: Date;

  @Field()
  @Property({ type: 'timestamptz' })
  windowEnd!: Date;

  @Field(() => CommitmentState)
  @Enum({ items: () => CommitmentState, nativeEnumName: 'commitment_state', default: CommitmentState.HELD })
  state: CommitmentState = CommitmentState.HELD;

  @Field()
  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Field(() => Date, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  releasedAt: Date | null = null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  reason: string | null = null;
}

export enum RelayStepKind {
  /** Hold the volunteer for the task's window. */
  HOLD = 'HOLD',
  /** Release the hold (declined, expired, cancelled, failed). */
  RELEASE = 'RELEASE',
  /** End the hold as done. */
  DONE = 'DONE',
}

export enum RelayStepState {
  PENDING = 'PENDING',
  APPLIED = 'APPLIED',
  REFUSED = 'REFUSED',
}

/**
 * A step toward a borrowed volunteer's community, written in the same transaction as the request's change and kept
 * until the volunteer's community has applied it (or refused): the durable half of the borrowing saga. The hub's
 * relay carries a request's steps one after the other, in order.
 */
@Entity({ tableName: 'relay_step' })
@Index({ properties: ['state', 'request'] })
export class RelayStep {
  [OptionalProps]?: 'localId' | 'state' | 'outcome' | 'createdAt' | 'settledAt';

  @PrimaryKey({ fieldName: 'id', autoincrement: true })
  localId!: number;

  @ManyToOne(() => CareRequest, { deleteRule: 'cascade' })
  request!: CareRequest;

  /** The volunteer's community. */
  @Property({ type: 'text' })
  target!: string;

  @Enum({ items: () => RelayStepKind, nativeEnumName: 'relay_step_kind' })
  kind!: RelayStepKind;

  @Property({ type: 'text' })
  holdKey!: string;

  /** What the volunteer's community needs to apply it. */
  @Property({ type: JsonType })
  body!: Record<string, unknown>;

  @Enum({ items: () => RelayStepState, nativeEnumName: 'relay_step_state', default: RelayStepState.PENDING })
  state: RelayStepState = RelayStepState.PENDING;

  @Property({ type: JsonType, nullable: true })
  outcome: Record<string, unknown> | null = null;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', nullable: true })
  settledAt: Date | null = null;
}
