import { Entity, Enum, Index, JsonType, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import type { NoticePayload, SignedDocument } from '@lilong/schema';
import { Directive, Field, ObjectType, registerEnumType } from 'type-graphql';

export enum NoticeCategory {
  TESTING = 'TESTING',
  SUPPLIES = 'SUPPLIES',
  MOVEMENT = 'MOVEMENT',
  MEDICAL = 'MEDICAL',
  OTHER = 'OTHER',
}

registerEnumType(NoticeCategory, {
  name: 'NoticeCategory',
  description: 'What a notice is about 通知类别',
  valuesConfig: {
    TESTING: { description: 'Testing 核酸检测' },
    SUPPLIES: { description: 'Supplies 物资' },
    MOVEMENT: { description: 'Movement rules 出行管控' },
    MEDICAL: { description: 'Medical 就医' },
    OTHER: { description: 'Other 其他' },
  },
});

/** Chinese names of the categories, as the signed notice carries them. */
export const CATEGORY_ZH: Record<NoticeCategory, string> = {
  TESTING: '核酸检测',
  SUPPLIES: '物资',
  MOVEMENT: '出行管控',
  MEDICAL: '就医',
  OTHER: '其他',
};

/**
 * A residents' committee notice 居委通知, signed by the community's notice key when published. Never edited: the row
 * keeps the exact payload that was signed, and a correction is a new notice that supersedes it.
 */
@ObjectType({ description: "A residents' committee notice 居委通知, signed with the community's key; never edited (a correction supersedes it)." })
@Directive('@key(fields: "id")')
@Entity({ tableName: 'notice' })
@Index({ properties: ['publishedAt'] })
export class Notice {
  [OptionalProps]?: 'localId';

  @PrimaryKey({ fieldName: 'id', autoincrement: true })
  localId!: number;

  @Field({ description: 'Title 标题.' })
  @Property({ type: 'text' })
  title!: string;

  @Field({ description: 'Body 正文, as published.' })
  @Property({ type: 'text' })
  body!: string;

  @Field(() => NoticeCategory)
  @Enum({ items: () => NoticeCategory, nativeEnumName: 'notice_category' })
  category!: NoticeCategory;

  @Field({ description: 'From when it applies.' })
  @Property({ type: 'timestamptz' })
  validFrom!: Date;

  @Field(() => Date, { nullable: true, description: 'Until when it applies; null: until superseded.' })
  @Property({ type: 'timestamptz', nullable: true })
  validUntil!: Date | null;

  /** Local ID of the notice this one supersedes; a notice is superseded at most once. */
  @Unique()
  @Property({ type: 'int', nullable: true })
  supersedesId!: number | null;

  @Field({ description: 'When the node signed it.' })
  @Property({ type: 'timestamptz' })
  publishedAt!: Date;

  @Field({ description: 'Who published it, by role 发布单位 (never a person\'s name).' })
  @Property({ type: 'text' })
  publishedBy!: string;

  /** Who pressed publish (issuer#subject), for the committee's own audit; never shown to residents. */
  @Property({ type: 'text' })
  actor!: string;

  /** Exactly what was signed. */
  @Property({ type: JsonType })
  payload!: NoticePayload;

  @Field({ description: "ID of the community key that signed it (its RFC 7638 thumbprint), as the directory lists it." })
  @Property({ type: 'text' })
  kid!: string;

  @Field({ description: 'Ed25519 signature of the canonical payload (RFC 8785 JSON), base64url.' })
  @Property({ type: 'text' })
  signature!: string;
}

export function signedDocumentOf(notice: Pick<Notice, 'payload' | 'kid' | 'signature'>): SignedDocument<NoticePayload> {
  return { format: 'lilong-signed/1', payload: notice.payload, kid: notice.kid, sig: notice.signature };
}
