import type { SubgraphModule } from '@lilong/kit';
import { IdempotencyRecord, scheduleDeadlines, tryLocalId } from '@lilong/kit';
import { CareCommitment, CareEvent, CareRequest, CareSeries, CompoundZone, ProtocolStep, RelayStep, Shift, TaskStep } from './care/care.entity';
import { relayHooks } from './care/borrowing';
import { CareCommitmentResolver, CareRequestResolver, CareSeriesResolver, CommunityCareResolver, HouseholdCareResolver, ShiftResolver, VolunteerCareResolver } from './care/care.resolver';
import { careOfferTimeouts, careSeriesTrips } from './care/deadlines';
import { CommunityResolver } from './community/community.resolver';
import { Community } from './community/community.type';
import { CompoundResolver } from './compound/compound.resolver';
import { Compound } from './compound/compound.type';
import { Household } from './household/household.type';
import { createVolunteersLoaders, type VolunteersLoaders } from './loaders';
import { volunteersNews } from './news';
import { migrations } from './migrations';
import { Volunteer } from './volunteer/volunteer.entity';
import { VolunteerResolver } from './volunteer/volunteer.resolver';

export { Volunteer } from './volunteer/volunteer.entity';
export { Skill } from './volunteer/skill';
export * from './care/care.enums';
export {
  addShift,
  cancelCareRequest,
  expireCareOffer,
  extendSeriesAhead,
  finishCareTask,
  offerCareTask,
  requestCare,
  respondToCareOffer,
  setCompoundZone,
  startCareSeries,
  startCareTask,
  tickProtocolStep,
  triageCareRequest,
} from './care/care.service';
export { addDays, endOfShanghaiDay, shanghaiDay } from './care/care.rules';
export { relayHooks } from './care/borrowing';
export { careOfferTimeouts, careSeriesTrips, EXPIRE_CARE_OFFER, EXTEND_CARE_SERIES } from './care/deadlines';
export { RelayStep } from './care/care.entity';
export { CareRequest, CareSeries, CareCommitment } from './care/care.entity';
export { candidateScore, DEFAULT_PROTOCOLS, WORKLOAD_METRES } from './care/care.rules';
export type { VolunteersLoaders, VolunteersContext } from './loaders';

/**
 * The `volunteers` domain: the community's volunteer fleet (skills, seats, zones, bases, shifts) and care: requests
 * for medicine pick-ups, medical trips and urgent help, their triage, dispatch, protective protocol and figures.
 */
export const volunteersSubgraph: SubgraphModule<VolunteersLoaders> = {
  name: 'volunteers',
  resolvers: [
    VolunteerResolver, CompoundResolver, CommunityResolver, CareRequestResolver, CareSeriesResolver, CareCommitmentResolver, ShiftResolver,
    VolunteerCareResolver, HouseholdCareResolver, CommunityCareResolver,
  ],
  orphanedTypes: [Community, Compound, Household],
  entities: [Volunteer, CareRequest, CareEvent, CareSeries, ProtocolStep, TaskStep, CompoundZone, Shift, CareCommitment, RelayStep, IdempotencyRecord],
  migrations,
  createLoaders: (em, community) => createVolunteersLoaders(em, community),
  references: {
    Volunteer: async ({ id }, ctx) => {
      const localId = tryLocalId(ctx.community, id, 'Volunteer');
      return localId === undefined ? null : ((await ctx.loaders.volunteer.load(localId)) ?? null);
    },
    CareRequest: async ({ id }, ctx) => {
      const localId = tryLocalId(ctx.community, id, 'CareRequest');
      return localId === undefined ? null : ((await ctx.loaders.careRequest.load(localId)) ?? null);
    },
    CareSeries: async ({ id }, ctx) => {
      const localId = tryLocalId(ctx.community, id, 'CareSeries');
      return localId === undefined ? null : ((await ctx.loaders.careSeries.load(localId)) ?? null);
    },
    Compound: (representation) => representation,
    Household: (representation) => representation,
    Community: ({ code }) => ({ code }),
  },
  news: volunteersNews,
  relay: relayHooks,
  // Offer time-outs and series trips, each request's and each series' a job of its own (kit/src/jobs).
  startBackground: (context) => scheduleDeadlines(context, [careOfferTimeouts(context), careSeriesTrips(context)]),
};
