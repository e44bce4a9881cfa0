import { Entity, Enum, Index, JsonType, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import type { DigestItemPayload, DigestPayload, SignedDocument } from '@lilong/schema';
import { Directive, Field, Int, ObjectType, registerEnumType } from 'type-graphql';

/** DRAFT: made by the node or on demand, edited by information staff. PUBLISHED: signed, never edited again. */
export enum DigestStatus {
  DRAFT = 'DRAFT',
  PUBLISHED = 'PUBLISHED',
}

registerEnumType(DigestStatus, {
  name: 'DigestStatus',
  description: 'Where a digest 信息简报 stands',
  valuesConfig: {
    DRAFT: { description: 'A draft information staff edit before publishing 草稿' },
    PUBLISHED: { description: "Signed with the community's key and published; never edited 已发布" },
  },
});

@ObjectType({ description: 'One line of a digest: what happened, in Chinese, and the record it is about.' })
export class DigestItem {
  @Field({ description: 'A stable kind, e.g. NOTICE_PUBLISHED, QUESTION_ANSWERED, GROUP_ORDER_FORMED, LOW_STOCK, CARE_DONE.' })
  kind!: string;

  @Field()
  text!: string;

  @Field(() => String, { nullable: true, description: 'Global ID of the record the line is about, if any.' })
  ref!: string | null;
}

/**
 * An information officers' digest 信息简报 of what happened in the community in a period: a draft made by the node
 * when the community's interval has passed (or on demand), edited by information staff, then signed with the
 * community's notice key like a notice. A published digest keeps exactly the payload that was signed.
 */
@ObjectType({ description: "A digest 信息简报 of what happened in the community in a period; once published, signed with the community's key and never edited." })
@Directive('@key(fields: "id")')
@Entity({ tableName: 'digest' })
@Index({ properties: ['status', 'publishedAt'] })
export class Digest {
  [OptionalProps]?: 'localId' | 'status' | 'edited' | 'publishedAt' | 'publishedBy' | 'actor' | 'payload' | 'kid' | 'signature';

  @PrimaryKey({ fieldName: 'id', autoincrement: true })
  localId!: number;

  @Field(() => DigestStatus)
  @Enum({ items: () => DigestStatus, nativeEnumName: 'digest_status', default: DigestStatus.DRAFT })
  status: DigestStatus = DigestStatus.DRAFT;

  @Field({ description: 'Title 标题.' })
  @Property({ type: 'text' })
  title!: string;

  @Field({ description: 'Body 正文 (may be empty: the items say it).' })
  @Property({ type: 'text' })
  body!: string;

  @Field(() => [DigestItem])
  @Property({ type: JsonType })
  items!: DigestItemPayload[];

  /** Whether staff edited the title or body: a refresh of the draft then keeps them (it always remakes the items). */
  @Property({ type: 'boolean', default: false })
  edited: boolean = false;

  @Field({ description: 'The period covered starts just after this instant (the previous digest\'s periodTo).' })
  @Property({ type: 'timestamptz' })
  periodFrom!: Date;

  @Field({ description: 'The period covered ends at this instant, included.' })
  @Property({ type: 'timestamptz' })
  periodTo!: Date;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  publishedAt: Date | null = null;

  @Field(() => String, { nullable: true, description: 'Who published it, by role (never a person\'s name).' })
  @Property({ type: 'text', nullable: true })
  publishedBy: string | null = null;

  /** Who pressed publish (issuer#subject), for the committee's audit; never shown. */
  @Property({ type: 'text', nullable: true })
  actor: string | null = null;

  /** Exactly what was signed; null for a draft. */
  @Property({ type: JsonType, nullable: true })
  payload: DigestPayload | null = null;

  @Field(() => String, { nullable: true, description: 'ID of the community key that signed it; null for a draft.' })
  @Property({ type: 'text', nullable: true })
  kid: string | null = null;

  @Field(() => String, { nullable: true, description: 'Ed25519 signature of the canonical payload, base64url; null for a draft.' })
  @Property({ type: 'text', nullable: true })
  signature: string | null = null;
}

export function signedDigestOf(digest: Digest): SignedDocument<DigestPayload> | null {
  return digest.payload && digest.kid && digest.signature ? { format: 'lilong-signed/1', payload: digest.payload, kid: digest.kid, sig: digest.signature } : null;
}

/** The community's digest settings: one row (ID 1), made by the migration; its row lock serialises draft making. */
@ObjectType('DigestSettings', { description: "The community's digest settings 简报设置." })
@Entity({ tableName: 'digest_setting' })
export class DigestSetting {
  [OptionalProps]?: 'intervalMinutes';

  @PrimaryKey({ fieldName: 'id', autoincrement: false, type: 'int' })
  localId!: number;

  @Field(() => Int, { description: 'A draft is made when this many minutes have passed since the last digest\'s period ended (15-240).' })
  @Property({ type: 'int', default: 60 })
  intervalMinutes: number = 60;
}
