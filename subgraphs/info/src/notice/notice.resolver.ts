import { badInput, globalIdOf, requireInt, tryLocalId } from '@lilong/kit';
import { encodeSignedDocument } from '@lilong/schema';
import { Arg, Ctx, Directive, Field, FieldResolver, ID, Int, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { requireCommittee } from '../access';
import { Community } from '../community/community.type';
import type { InfoContext } from '../loaders';
import { Notice, signedDocumentOf } from './notice.entity';
import { PublishNoticeInput } from './notice.inputs';
import { listNotices, publishNotice } from './notice.service';

@ObjectType({ description: 'A compound a notice is addressed to, by the name it had when the notice was signed.' })
export class NoticeCompound {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;
}

@ObjectType({ description: 'Whom a notice is for 适用范围.' })
export class NoticeScope {
  @Field({ description: 'The whole community 全社区; otherwise only `compounds`.' })
  wholeCommunity!: boolean;

  @Field(() => [NoticeCompound])
  compounds!: NoticeCompound[];
}

export async function loadNotice(ctx: InfoContext, id: string): Promise<Notice | null> {
  const localId = tryLocalId(ctx.community, id, 'Notice');
  return localId === undefined ? null : ((await ctx.loaders.notice.load(localId)) ?? null);
}

@Resolver(() => Notice)
export class NoticeResolver {
  @FieldResolver(() => ID)
  id(@Root() notice: Notice, @Ctx() ctx: InfoContext): string {
    return globalIdOf(ctx.community, 'Notice', notice.localId);
  }

  @FieldResolver(() => Community)
  community(@Ctx() ctx: InfoContext): Community {
    return { code: ctx.community };
  }

  @FieldResolver(() => NoticeScope)
  scope(@Root() notice: Notice): NoticeScope {
    return notice.payload.scope;
  }

  @FieldResolver(() => Notice, { nullable: true, description: 'The earlier notice this one corrects or replaces.' })
  async supersedes(@Root() notice: Notice, @Ctx() ctx: InfoContext): Promise<Notice | null> {
    return notice.supersedesId === null ? null : ((await ctx.loaders.notice.load(notice.supersedesId)) ?? null);
  }

  @FieldResolver(() => Notice, { nullable: true, description: 'The later notice that replaces this one 已被取代; null while it stands.' })
  async supersededBy(@Root() notice: Notice, @Ctx() ctx: InfoContext): Promise<Notice | null> {
    return (await ctx.loaders.supersedingNotice.load(notice.localId))[0] ?? null;
  }

  @FieldResolver(() => String, {
    description:
      'The signed notice as text (JSON: format lilong-signed/1, kid, sig, payload) to share or paste into any verifier; the signature covers the RFC 8785 canonical form of `payload`.',
  })
  signedDocument(@Root() notice: Notice): string {
    return encodeSignedDocument(signedDocumentOf(notice));
  }

  @FieldResolver(() => String, { nullable: true, description: 'The signed text of the notice that supersedes this one, so a verifier can check the supersession too.' })
  async supersededByDocument(@Root() notice: Notice, @Ctx() ctx: InfoContext): Promise<string | null> {
    const later = (await ctx.loaders.supersedingNotice.load(notice.localId))[0];
    return later ? encodeSignedDocument(signedDocumentOf(later)) : null;
  }

  @Query(() => Notice, { nullable: true, description: 'A notice, for anyone: notices are public.' })
  @Directive('@routeBy(arg: "id")')
  notice(@Arg('id', () => ID) id: string, @Ctx() ctx: InfoContext): Promise<Notice | null> {
    return loadNotice(ctx, id);
  }

  @Mutation(() => Notice, { description: "Publishes a notice signed with the community's key (committee staff). Never edited afterwards: publish a new one with `supersedes`." })
  @Directive('@routeBy(arg: "input.community")')
  publishNotice(@Arg('input') input: PublishNoticeInput, @Ctx() ctx: InfoContext): Promise<Notice> {
    requireCommittee(ctx);
    return publishNotice(ctx, input);
  }
}

@Resolver(() => Community)
export class CommunityNoticesResolver {
  @FieldResolver(() => [Notice], {
    nullable: true,
    description: "The community's notices, newest first: by default those in force (begun, not ended, not superseded); `current: false` for every notice. Null when the community is unavailable.",
  })
  notices(
    @Root() community: Community,
    @Arg('first', () => Int, { defaultValue: 20 }) first: number,
    @Arg('current', () => Boolean, { defaultValue: true }) current: boolean,
    @Ctx() ctx: InfoContext,
  ): Promise<Notice[]> | null {
    if (community.code !== ctx.community) throw badInput('code', 'names another community.', '指向其他社区。');
    return listNotices(ctx, { first: requireInt(first, 'first', 1, 200), current });
  }
}
