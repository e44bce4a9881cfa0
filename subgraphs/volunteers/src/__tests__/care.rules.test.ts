import { GraphQLError } from 'graphql';
import { Skill } from '../volunteer/skill';
import { CareKind, CareStatus, TripPurpose, Urgency } from '../care/care.enums';
import {
  candidateScore,
  DEFAULT_PROTOCOLS,
  endOfShanghaiDay,
  needsOf,
  requireStep,
  seriesTrips,
  STEPS,
  validateCareRequest,
  validateProtocol,
  WORKLOAD_METRES,
  type CareRequestDraftInput,
} from '../care/care.rules';

// 10:00 in Shanghai on Wednesday 2 December 2026.
const NOW = new Date('2026-12-02T02:00:00Z');

const pickup: CareRequestDraftInput = {
  kind: CareKind.MEDICINE_PICKUP,
  urgency: Urgency.TODAY,
  destination: ' 瑞金医院门诊药房 ',
  prescriptions: ['氨氯地平片 5mg ×28'],
};

function refusal(input: Partial<CareRequestDraftInput>): Record<string, unknown> {
  try {
    validateCareRequest({ ...pickup, ...input }, NOW);
  } catch (error) {
    expect(error).toBeInstanceOf(GraphQLError);
    return (error as GraphQLError).extensions;
  }
  throw new Error(`accepted ${JSON.stringify(input)}`);
}

describe('care request rules', () => {
  it('fills a TODAY window to the end of the Shanghai day, and an emergency to the next two hours', () => {
    const today = validateCareRequest(pickup, NOW);
    expect(today).toMatchObject({ destination: '瑞金医院门诊药房', passengers: 0, returnTrip: false, windowStart: NOW });
    expect(today.windowEnd.toISOString()).toBe('2026-12-02T16:00:00.000Z');
    const emergency = validateCareRequest({ kind: CareKind.URGENT_HELP, urgency: Urgency.EMERGENCY, windowStart: new Date('2030-01-01T00:00:00Z') }, NOW);
    expect(emergency).toMatchObject({ windowStart: NOW, windowEnd: new Date(NOW.getTime() + 2 * 3600_000), passengers: 0 });
  });

  it('names the field at fault', () => {
    expect(refusal({ prescriptions: [] })).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.prescriptions' });
    expect(refusal({ destination: null })).toMatchObject({ argument: 'input.destination' });
    expect(refusal({ kind: CareKind.MEDICAL_TRIP, prescriptions: null })).toMatchObject({ argument: 'input.purpose' });
    expect(refusal({ purpose: TripPurpose.DIALYSIS })).toMatchObject({ argument: 'input.purpose' });
    expect(refusal({ urgency: Urgency.SCHEDULED })).toMatchObject({ argument: 'input.windowStart' });
    expect(refusal({ urgency: Urgency.TODAY, windowStart: new Date('2026-12-03T01:00:00Z') })).toMatchObject({ argument: 'input.windowStart' });
    expect(refusal({ urgency: Urgency.SCHEDULED, windowStart: new Date('2026-12-05T01:00:00Z'), windowEnd: new Date('2026-12-05T14:00:00Z') })).toMatchObject({ argument: 'input.windowEnd' });
    expect(refusal({ contactPhone: 'ring twice' })).toMatchObject({ argument: 'input.contactPhone' });
    expect(refusal({ prescriptions: Array.from({ length: 21 }, (_, i) => `药 ${i}`) })).toMatchObject({ argument: 'input.prescriptions' });
  });

  it('a medical trip carries at least its patient, and comes back by default', () => {
    const trip = validateCareRequest({ kind: CareKind.MEDICAL_TRIP, purpose: TripPurpose.CHEMOTHERAPY, urgency: Urgency.SCHEDULED, destination: '肿瘤医院', windowStart: new Date('2026-12-04T00:30:00Z') }, NOW);
    expect(trip).toMatchObject({ passengers: 1, returnTrip: true, windowEnd: new Date('2026-12-04T02:30:00Z') });
    expect(refusal({ kind: CareKind.MEDICAL_TRIP, purpose: TripPurpose.INJURY, prescriptions: null, passengers: 0 })).toMatchObject({ argument: 'input.passengers' });
  });

  it('the end of the Shanghai day is midnight UTC+8', () => {
    expect(endOfShanghaiDay(new Date('2026-12-02T15:59:59Z')).toISOString()).toBe('2026-12-02T16:00:00.000Z');
    expect(endOfShanghaiDay(new Date('2026-12-02T16:00:00Z')).toISOString()).toBe('2026-12-03T16:00:00.000Z');
  });
});

describe('the workflow', () => {
  it('allows each step only from its statuses, with a coded refusal naming where the request stands', () => {
    expect(() => requireStep('offer', CareStatus.QUEUED, 'c:CareRequest:1')).not.toThrow();
    for (const status of Object.values(CareStatus)) {
      if ((STEPS.done as readonly CareStatus[]).includes(status)) continue;
      try {
        requireStep('done', status, 'c:CareRequest:1');
        throw new Error(`done allowed from ${status}`);
      } catch (error) {
        expect((error as GraphQLError).extensions).toMatchObject({ code: 'INVALID_TRANSITION', status, step: 'done' });
      }
    }
    expect(STEPS.done).toEqual([CareStatus.UNDER_WAY]);
    expect(STEPS.cancel).not.toContain(CareStatus.UNDER_WAY);
  });
});

describe('what a task needs, and how candidates score', () => {
  it('a pick-up needs a medicine runner; a trip a driver with a seat per passenger, and a wheelchair carrier', () => {
    expect(needsOf({ kind: CareKind.MEDICINE_PICKUP, passengers: 0, wheelchair: false })).toEqual({ skills: [Skill.MEDICINE_PICKUP], seats: 0 });
    expect(needsOf({ kind: CareKind.MEDICAL_TRIP, passengers: 2, wheelchair: true })).toEqual({ skills: [Skill.DRIVER, Skill.WHEELCHAIR], seats: 2 });
    expect(needsOf({ kind: CareKind.URGENT_HELP, passengers: 0, wheelchair: false })).toEqual({ skills: [Skill.DRIVER], seats: 1 });
  });

  it('a task in hand weighs as much as 1.5 km more distance', () => {
    expect(candidateScore(1200.4, 0)).toBe(1200);
    expect(candidateScore(200, 1)).toBe(200 + WORKLOAD_METRES);
    expect(candidateScore(1600, 0)).toBeLessThan(candidateScore(200, 1));
  });
});

describe('protocols and series', () => {
  it('every kind has a standard protocol whose first step is protective equipment, and a community protocol is checked', () => {
    for (const kind of Object.values(CareKind)) {
      expect(DEFAULT_PROTOCOLS[kind][0]!.label).toMatch(/防护/);
      expect(DEFAULT_PROTOCOLS[kind].some((s) => s.required)).toBe(true);
    }
    expect(() => validateProtocol([])).toThrow(GraphQLError);
    expect(validateProtocol([{ label: ' 戴口罩 ', labelEn: 'Mask on', required: true }])).toEqual([{ label: '戴口罩', labelEn: 'Mask on', required: true }]);
  });

  it('a dialysis series makes a trip on each of its weekdays at its time, Shanghai, within its first and last day', () => {
    const series = { weekdays: [1, 3, 5], startTime: '07:30', durationMinutes: 240, firstDay: '2026-12-02', lastDay: '2026-12-09' };
    const trips = seriesTrips(series, '2026-11-30', '2026-12-31');
    expect(trips.map((t) => t.day)).toEqual(['2026-12-02', '2026-12-04', '2026-12-07', '2026-12-09']);
    expect(trips[0]!.windowStart.toISOString()).toBe('2026-12-01T23:30:00.000Z');
    expect(trips[0]!.windowEnd.toISOString()).toBe('2026-12-02T03:30:00.000Z');
  });
});
