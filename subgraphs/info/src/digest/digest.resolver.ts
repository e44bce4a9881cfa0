import { badInput, globalIdOf, requireInt, tryLocalId } from '@lilong/kit';
import { encodeSignedDocument } from '@lilong/schema';
import { Arg, Ctx, Directive, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { isInformationStaff, requireInformationStaff } from '../access';
import { Community } from '../community/community.type';
import type { InfoContext } from '../loaders';
import { Digest, DigestSetting, DigestStatus, signedDigestOf } from './digest.entity';
import { DraftDigestInput, PublishDigestInput, SetDigestIntervalInput, UpdateDigestDraftInput } from './digest.inputs';
import { DIGEST_LIMITS } from './digest.rules';
import { draftDigest, intervalMinutes, listDigests, openDraft, publishDigest, setDigestInterval, updateDigestDraft } from './digest.service';

/** A digest by global ID: a published one for anyone, a draft only for the community's information staff. */
export async function loadDigest(ctx: InfoContext, id: string): Promise<Digest | null> {
  const localId = tryLocalId(ctx.community, id, 'Digest');
  const digest = localId === undefined ? undefined : await ctx.loaders.digest.load(localId);
  if (!digest) return null;
  return digest.status === DigestStatus.PUBLISHED || isInformationStaff(ctx) ? digest : null;
}

@Resolver(() => Digest)
export class DigestResolver {
  @FieldResolver(() => ID)
  id(@Root() digest: Digest, @Ctx() ctx: InfoContext): string {
    return globalIdOf(ctx.community, 'Digest', digest.localId);
  }

  @FieldResolver(() => Community)
  community(@Ctx() ctx: InfoContext): Community {
    return { code: ctx.community };
  }

  @FieldResolver(() => String, {
    nullable: true,
    description:
      'The signed digest as text (JSON: format lilong-signed/1, kid, sig, payload) to share or paste into any verifier; null for a draft. The signature covers the RFC 8785 canonical form of `payload`.',
  })
  signedDocument(@Root() digest: Digest): string | null {
    const signed = signedDigestOf(digest);
    return signed ? encodeSignedDocument(signed) : null;
  }

  @Query(() => Digest, { nullable: true, description: 'A digest: published ones for anyone; a draft only for the community\'s information staff (null for others).' })
  @Directive('@routeBy(arg: "id")')
  digest(@Arg('id', () => ID) id: string, @Ctx() ctx: InfoContext): Promise<Digest | null> {
    return loadDigest(ctx, id);
  }

  @Mutation(() => DigestSetting, { description: 'Sets how often a digest draft is made, 15-240 minutes (information staff).' })
  @Directive('@routeBy(arg: "input.community")')
  setDigestInterval(@Arg('input') input: SetDigestIntervalInput, @Ctx() ctx: InfoContext): Promise<DigestSetting> {
    requireInformationStaff(ctx);
    return setDigestInterval(ctx, input);
  }

  @Mutation(() => Digest, { description: 'Makes the draft digest now from what happened since the last digest, or refreshes the open draft (information staff).' })
  @Directive('@routeBy(arg: "input.community")')
  draftDigest(@Arg('input') input: DraftDigestInput, @Ctx() ctx: InfoContext): Promise<Digest> {
    requireInformationStaff(ctx);
    return draftDigest(ctx, input);
  }

  @Mutation(() => Digest, { description: "Edits a draft digest's title, body or items (information staff); a published digest is never edited." })
  @Directive('@routeBy(arg: "input.digestId")')
  updateDigestDraft(@Arg('input') input: UpdateDigestDraftInput, @Ctx() ctx: InfoContext): Promise<Digest> {
    requireInformationStaff(ctx);
    return updateDigestDraft(ctx, input);
  }

  @Mutation(() => Digest, { description: "Publishes a draft digest, signed with the community's key (information staff)." })
  @Directive('@routeBy(arg: "input.digestId")')
  publishDigest(@Arg('input') input: PublishDigestInput, @Ctx() ctx: InfoContext): Promise<Digest> {
    requireInformationStaff(ctx);
    return publishDigest(ctx, input);
  }
}

@Resolver(() => DigestSetting)
export class DigestSettingsResolver {
  @FieldResolver(() => Community)
  community(@Ctx() ctx: InfoContext): Community {
    return { code: ctx.community };
  }
}

@Resolver(() => Community)
export class CommunityDigestsResolver {
  @FieldResolver(() => [Digest], { nullable: true, description: "The community's published digests, newest first. Null when the community is unavailable." })
  digests(@Root() community: Community, @Arg('first', () => Int, { defaultValue: 10 }) first: number, @Ctx() ctx: InfoContext): Promise<Digest[]> {
    own(community, ctx);
    return listDigests(ctx, requireInt(first, 'first', 1, DIGEST_LIMITS.list));
  }

  @FieldResolver(() => Digest, { nullable: true, description: 'The open draft digest, if any (information staff only).' })
  digestDraft(@Root() community: Community, @Ctx() ctx: InfoContext): Promise<Digest | null> {
    own(community, ctx);
    requireInformationStaff(ctx);
    return openDraft(ctx);
  }

  @FieldResolver(() => Int, { nullable: true, description: 'Minutes between digest drafts (15-240, default 60). Null when the community is unavailable.' })
  digestIntervalMinutes(@Root() community: Community, @Ctx() ctx: InfoContext): Promise<number> {
    own(community, ctx);
    return intervalMinutes(ctx.em as never);
  }
}

function own(community: Community, ctx: InfoContext): void {
  if (community.code !== ctx.community) throw badInput('code', 'names another community.', '指向其他社区。');
}
