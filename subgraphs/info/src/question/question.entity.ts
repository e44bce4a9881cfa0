import { Entity, Enum, Index, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Directive, Field, ObjectType, registerEnumType } from 'type-graphql';

/** OPEN: waiting for an answer. ANSWERED. CLOSED: without an answer (`closeReason` says why). MERGED: a duplicate of `mergedInto`. */
export enum QuestionStatus {
  OPEN = 'OPEN',
  ANSWERED = 'ANSWERED',
  CLOSED = 'CLOSED',
  MERGED = 'MERGED',
}

export const QUESTION_STATUS_ZH: Record<QuestionStatus, string> = { OPEN: '待回答', ANSWERED: '已回答', CLOSED: '已关闭', MERGED: '已合并' };

registerEnumType(QuestionStatus, {
  name: 'QuestionStatus',
  description: 'Where a question 问题 stands',
  valuesConfig: {
    OPEN: { description: `Waiting for an answer ${QUESTION_STATUS_ZH.OPEN}` },
    ANSWERED: { description: `Answered by the information officers or the committee ${QUESTION_STATUS_ZH.ANSWERED}` },
    CLOSED: { description: `Closed without an answer; closeReason says why ${QUESTION_STATUS_ZH.CLOSED}` },
    MERGED: { description: `A duplicate, merged into another question (mergedInto) ${QUESTION_STATUS_ZH.MERGED}` },
  },
});

/**
 * A resident's question 问答 to the community, shown by where it was asked from (地址实名), never by a name. The
 * household's address and compound name are copied at asking time, as the committee's records had them.
 */
@ObjectType({ description: "A resident's question 问题 to the community's information officers and committee, shown by address, never by name." })
@Directive('@key(fields: "id")')
@Entity({ tableName: 'question' })
@Index({ properties: ['status', 'askedAt'] })
@Index({ properties: ['status', 'answeredAt'] })
export class Question {
  [OptionalProps]?: 'localId' | 'status' | 'answer' | 'answeredAt' | 'answeredBy' | 'answerActor' | 'closedAt' | 'closeReason' | 'mergedIntoId';

  @PrimaryKey({ fieldName: 'id', autoincrement: true })
  localId!: number;

  /** Global ID of the asking household. */
  @Index()
  @Property({ type: 'text' })
  householdId!: string;

  @Property({ type: 'text' })
  compoundId!: string;

  @Property({ type: 'text' })
  compoundName!: string;

  /** The household's building 楼号, as its record said. */
  @Property({ type: 'text' })
  building!: string;

  /** The household's building-unit-room, as its record said; shown only to the household and information staff. */
  @Property({ type: 'text' })
  address!: string;

  @Field({ description: 'The question as asked.' })
  @Property({ type: 'text' })
  text!: string;

  /** Who asked (issuer#subject): a resident, or a helper for the household; never shown. */
  @Property({ type: 'text' })
  askedBy!: string;

  @Field()
  @Property({ type: 'timestamptz' })
  askedAt!: Date;

  @Field(() => QuestionStatus)
  @Enum({ items: () => QuestionStatus, nativeEnumName: 'question_status', default: QuestionStatus.OPEN })
  status: QuestionStatus = QuestionStatus.OPEN;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  answer: string | null = null;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  answeredAt: Date | null = null;

  @Field(() => String, { nullable: true, description: 'Who answered, by role 回答单位 (never a person\'s name).' })
  @Property({ type: 'text', nullable: true })
  answeredBy: string | null = null;

  /** Who answered (issuer#subject), for the committee's audit. */
  @Property({ type: 'text', nullable: true })
  answerActor: string | null = null;

  @Field(() => Date, { nullable: true, description: 'When it was closed or merged.' })
  @Property({ type: 'timestamptz', nullable: true })
  closedAt: Date | null = null;

  @Field(() => String, { nullable: true, description: 'Why it was closed without an answer.' })
  @Property({ type: 'text', nullable: true })
  closeReason: string | null = null;

  /** Local ID of the question this duplicate was merged into; never itself a merged one. */
  @Index()
  @Property({ type: 'int', nullable: true })
  mergedIntoId: number | null = null;
}
