import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { VolunteersContext } from '../loaders';
import { Volunteer } from '../volunteer/volunteer.entity';
import { Compound } from './compound.type';

@Resolver(() => Compound)
export class CompoundResolver {
  @FieldResolver(() => [Volunteer], { description: 'Volunteers who live in the compound, by name.' })
  volunteers(@Root() compound: Compound, @Ctx() ctx: VolunteersContext): Promise<Volunteer[]> {
    return ctx.loaders.volunteersByCompound.load(compound.id);
  }
}
