import { GraphQLError } from 'graphql';
import { Skill } from '../volunteer/skill';
import { validateRegistration, type RegistrationRequest } from '../volunteer/volunteer.rules';

const COMMUNITY = 'xinhua-3';

const wangShifu: RegistrationRequest = {
  compoundId: 'xinhua-3:Compound:4',
  displayName: ' 王师傅 ',
  skills: [Skill.DRIVER, Skill.MEDICINE_PICKUP],
  vehicleSeats: 4,
  zone: 'A片',
  homeHouseholdId: 'xinhua-3:Household:012',
};

/** The coded error `validateRegistration` throws for `input`, or a failed expectation if it accepts it. */
function refusal(input: Partial<RegistrationRequest>): GraphQLError {
  try {
    validateRegistration(COMMUNITY, { ...wangShifu, ...input });
  } catch (error) {
    expect(error).toBeInstanceOf(GraphQLError);
    return error as GraphQLError;
  }
  throw new Error(`accepted ${JSON.stringify(input)}`);
}

describe('volunteer registration rules', () => {
  it('accepts a driver with a car, trimming text and writing IDs canonically', () => {
    expect(validateRegistration(COMMUNITY, wangShifu)).toEqual({
      compoundId: 'xinhua-3:Compound:4',
      displayName: '王师傅',
      skills: [Skill.DRIVER, Skill.MEDICINE_PICKUP],
      vehicleSeats: 4,
      zone: 'A片',
      homeHouseholdId: 'xinhua-3:Household:12',
      base: null,
    });
  });

  it('takes a base given as both coordinates, and refuses one of them alone or out of range', () => {
    expect(validateRegistration(COMMUNITY, { ...wangShifu, baseLat: 31.2, baseLng: 121.45 }).base).toEqual({ lat: 31.2, lng: 121.45 });
    expect(refusal({ baseLat: 31.2 }).extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.baseLng' });
    expect(refusal({ baseLat: 95, baseLng: 121 }).extensions.code).toBe('BAD_USER_INPUT');
  });

  it('defaults to no car and no home', () => {
    const draft = validateRegistration(COMMUNITY, { ...wangShifu, skills: [Skill.ESCORT], vehicleSeats: undefined, homeHouseholdId: null });
    expect(draft).toMatchObject({ vehicleSeats: 0, homeHouseholdId: null });
  });

  it('refuses a DRIVER without seats', () => {
    const error = refusal({ vehicleSeats: 0 });
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.skills' });
    expect(error.message).toContain('DRIVER needs a car');
    expect(error.extensions.messageZh).toContain('司机须有车');
  });

  it('refuses a skill listed twice, naming it', () => {
    const error = refusal({ skills: [Skill.DELIVERY, Skill.CARE, Skill.DELIVERY] });
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.skills' });
    expect(error.message).toBe('input.skills: DELIVERY is listed twice.');
  });

  it('refuses an empty skill list', () => {
    expect(refusal({ skills: [] }).extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.skills' });
  });

  it.each([
    [{ vehicleSeats: 9 }, 'input.vehicleSeats'],
    [{ vehicleSeats: -1 }, 'input.vehicleSeats'],
    [{ vehicleSeats: 2.5 }, 'input.vehicleSeats'],
    [{ displayName: '   ' }, 'input.displayName'],
    [{ displayName: '师'.repeat(31) }, 'input.displayName'],
    [{ zone: '' }, 'input.zone'],
    [{ zone: 'A'.repeat(21) }, 'input.zone'],
  ] as const)('refuses %p as %s', (input, argument) => {
    expect(refusal(input).extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument });
  });

  it.each([
    [{ compoundId: 'tianping:Compound:4' }, 'input.compoundId', 'must be in this community'],
    [{ compoundId: 'xinhua-3:Household:4' }, 'input.compoundId', 'must be the ID of a Compound'],
    [{ compoundId: 'compound-4' }, 'input.compoundId', 'not a valid ID'],
    [{ compoundId: 'xinhua-3:Compound:abc' }, 'input.compoundId', 'does not name a Compound'],
    [{ homeHouseholdId: 'tianping:Household:9' }, 'input.homeHouseholdId', 'must be in this community'],
    [{ homeHouseholdId: 'xinhua-3:Compound:9' }, 'input.homeHouseholdId', 'must be the ID of a Household'],
  ] as const)('refuses %p as %s', (input, argument, message) => {
    const error = refusal(input);
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument });
    expect(error.message).toContain(message);
  });
});
