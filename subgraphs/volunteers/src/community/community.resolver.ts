import { Arg, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { VolunteersContext } from '../loaders';
import { Skill } from '../volunteer/skill';
import { Volunteer } from '../volunteer/volunteer.entity';
import { listVolunteers } from '../volunteer/volunteer.service';
import { Community } from './community.type';

@Resolver(() => Community)
export class CommunityResolver {
  @FieldResolver(() => [Volunteer], { nullable: true, description: "The community's volunteers, by name. Null when the community is unavailable." })
  volunteers(
    @Root() community: Community,
    @Arg('available', () => Boolean, { nullable: true }) available: boolean | null,
    @Arg('skill', () => Skill, { nullable: true }) skill: Skill | null,
    @Ctx() ctx: VolunteersContext,
  ): Promise<Volunteer[]> | null {
    return community.code === ctx.community ? listVolunteers(ctx, { available, skill }) : null;
  }
}
