/**
 * Registration rules as pure functions: no database, no context, so they are tested on their own.
 */
import { badInput, requireInt, requireLatLng, requireText, typeZh } from '@lilong/kit';
import { formatGlobalId, parseGlobalId } from '@lilong/schema';
import { Skill, SKILL_ZH } from './skill';
import { MAX_VEHICLE_SEATS } from './volunteer.entity';

export interface RegistrationRequest {
  compoundId: string;
  displayName: string;
  skills: readonly Skill[];
  vehicleSeats?: number | null;
  zone: string;
  homeHouseholdId?: string | null;
  baseLat?: number | null;
  baseLng?: number | null;
}

/** A registration that passed every rule, with IDs in canonical form. */
export interface VolunteerDraft {
  compoundId: string;
  displayName: string;
  skills: Skill[];
  vehicleSeats: number;
  zone: string;
  homeHouseholdId: string | null;
  /** Where they set out from, when given; else their compound's gate. */
  base: { lat: number; lng: number } | null;
}

/** Checks a registration for `community`; throws BAD_USER_INPUT naming the first argument at fault. */
export function validateRegistration(community: string, input: RegistrationRequest): VolunteerDraft {
  const compoundId = requireIdInCommunity(community, input.compoundId, 'Compound', 'input.compoundId');
  const displayName = requireText(input.displayName, 'input.displayName', 30);
  const vehicleSeats = requireInt(input.vehicleSeats ?? 0, 'input.vehicleSeats', 0, MAX_VEHICLE_SEATS);
  const skills = requireSkills(input.skills, vehicleSeats);
  const zone = requireZone(input.zone, 'input.zone');
  const homeHouseholdId =
    input.homeHouseholdId == null
      ? null
      : requireIdInCommunity(community, input.homeHouseholdId, 'Household', 'input.homeHouseholdId');
  if ((input.baseLat == null) !== (input.baseLng == null)) {
    throw badInput(input.baseLat == null ? 'input.baseLat' : 'input.baseLng', 'give baseLat and baseLng together.', 'baseLat 与 baseLng 须同时填写。');
  }
  let base: { lat: number; lng: number } | null = null;
  if (input.baseLat != null && input.baseLng != null) {
    requireLatLng(input.baseLat, input.baseLng);
    base = { lat: input.baseLat, lng: input.baseLng };
  }
  return { compoundId, displayName, skills, vehicleSeats, zone, homeHouseholdId, base };
}

export function requireSkills(skills: readonly Skill[], vehicleSeats: number): Skill[] {
  if (skills.length === 0) throw badInput('input.skills', 'name at least one skill.', '至少填写一项技能。');
  const repeated = skills.filter((skill, i) => skills.indexOf(skill) !== i);
  if (repeated.length > 0) {
    throw badInput('input.skills', `${repeated[0]} is listed twice.`, `“${SKILL_ZH[repeated[0]!]}”重复填写。`);
  }
  if (skills.includes(Skill.DRIVER) && vehicleSeats < 1) {
    throw badInput('input.skills', 'a DRIVER needs a car: vehicleSeats must be at least 1.', '司机须有车：座位数至少为 1。');
  }
  return [...skills];
}

/** A dispatch zone 片区 label, 1-20 characters. */
export function requireZone(zone: string, argument: string): string {
  return requireText(zone, argument, 20);
}

/**
 * A well-formed global ID of `type` in this community, rewritten canonically ("c:Compound:007" -> "c:Compound:7")
 * so that stored IDs compare equal to the ones the owning subgraph hands out in representations.
 */
export function requireIdInCommunity(community: string, value: string, type: string, argument: string): string {
  const parsed = parseGlobalId(value, type, argument);
  if (parsed.community !== community) {
    throw badInput(argument, `must be in this community (${community}), not ${parsed.community}.`, `必须属于本社区（${community}），而不是 ${parsed.community}。`);
  }
  const localId = Number(parsed.localId);
  if (!Number.isSafeInteger(localId) || localId <= 0) {
    throw badInput(argument, `"${value}" does not name a ${type}.`, `"${value}" 不是有效的${typeZh(type)}编号。`);
  }
  return formatGlobalId(community, type, localId);
}
