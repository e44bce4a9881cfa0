/**
 * The rules of care requests as pure functions: what a request must say, which step may follow which and who
 * takes it, what a task needs of a volunteer, how candidates are scored, the default protective protocols. No
 * database and no context, so they are tested on their own.
 */
import { badInput, requireInt, requireText } from '@lilong/kit';
import { lilongError } from '@lilong/schema';
import type { GraphQLError } from 'graphql';
import { Skill, SKILL_ZH } from '../volunteer/skill';
import { CareKind, CARE_STATUS_ZH, CareStatus, TripPurpose, Urgency } from './care.enums';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Shanghai keeps UTC+8 all year (no daylight saving time). */
export const SHANGHAI_OFFSET_MS = 8 * HOUR;

/** Longest window a scheduled task may ask for (a TODAY task runs to the end of the day). */
export const MAX_WINDOW_MS = 12 * HOUR;
/** How far ahead a request may be booked. */
export const MAX_AHEAD_MS = 30 * 24 * HOUR;
/** The window of an emergency: now and the next two hours. */
export const EMERGENCY_WINDOW_MS = 2 * HOUR;
export const MAX_PASSENGERS = 8;
export const MAX_PRESCRIPTION_LINES = 20;

export interface CareRequestDraftInput {
  kind: CareKind;
  purpose?: TripPurpose | null;
  destination?: string | null;
  prescriptions?: readonly string[] | null;
  urgency: Urgency;
  windowStart?: Date | null;
  windowEnd?: Date | null;
  passengers?: number | null;
  wheelchair?: boolean | null;
  returnTrip?: boolean | null;
  contactPhone?: string | null;
  notes?: string | null;
}

export interface CareRequestDraft {
  kind: CareKind;
  purpose: TripPurpose | null;
  destination: string | null;
  prescriptions: string[];
  urgency: Urgency;
  windowStart: Date;
  windowEnd: Date;
  passengers: number;
  wheelchair: boolean;
  returnTrip: boolean;
  contactPhone: string | null;
  notes: string;
}

/** The end of the Shanghai day `at` falls in. */
export function endOfShanghaiDay(at: Date): Date {
  const local = at.getTime() + SHANGHAI_OFFSET_MS;
  const nextMidnight = Math.floor(local / (24 * HOUR)) * 24 * HOUR + 24 * HOUR;
  return new Date(nextMidnight - SHANGHAI_OFFSET_MS);
}

const PHONE = /^\+?[0-9][0-9 -]{4,19}$/;

export function requirePhone(value: string | null | undefined, argument: string): string | null {
  if (value == null || value.trim() === '') return null;
  const phone = value.trim();
  if (!PHONE.test(phone)) throw badInput(argument, 'must be a phone number: digits, spaces or dashes, 5-20 long.', '须为电话号码（数字、空格或短横线，5-20 位）。');
  return phone;
}

/** Checks a request and fills in its window from its urgency; throws BAD_USER_INPUT naming the first field at fault. */
export function validateCareRequest(input: CareRequestDraftInput, now: Date): CareRequestDraft {
  const trip = input.kind === CareKind.MEDICAL_TRIP;
  const pickup = input.kind === CareKind.MEDICINE_PICKUP;
  if (trip && !input.purpose) throw badInput('input.purpose', 'a medical trip needs its purpose.', '就医接送须填写就医事由。');
  if (!trip && input.purpose) throw badInput('input.purpose', 'only a medical trip has a purpose.', '只有就医接送需要填写就医事由。');
  const destination = input.destination == null || input.destination.trim() === '' ? null : requireText(input.destination, 'input.destination', 100);
  if ((trip || pickup) && !destination) {
    throw badInput('input.destination', 'name the pharmacy or hospital.', '请填写药房或医院。');
  }
  const prescriptions = (input.prescriptions ?? []).map((line, i) => requireText(line, `input.prescriptions[${i}]`, 100));
  if (pickup && prescriptions.length === 0) throw badInput('input.prescriptions', 'list the medicines to collect, one per line.', '请逐行填写需配的药品。');
  if (!pickup && prescriptions.length > 0) throw badInput('input.prescriptions', 'only a medicine pick-up has a prescription list.', '只有代配药需要填写药品清单。');
  if (prescriptions.length > MAX_PRESCRIPTION_LINES) {
    throw badInput('input.prescriptions', `at most ${MAX_PRESCRIPTION_LINES} lines.`, `最多 ${MAX_PRESCRIPTION_LINES} 行。`);
  }
  const passengers = requireInt(input.passengers ?? (trip ? 1 : 0), 'input.passengers', trip ? 1 : 0, MAX_PASSENGERS);
  const window = windowOf(input, now);
  return {
    kind: input.kind,
    purpose: trip ? input.purpose! : null,
    destination,
    prescriptions,
    urgency: input.urgency,
    ...window,
    passengers,
    wheelchair: input.wheelchair ?? false,
    returnTrip: trip ? (input.returnTrip ?? true) : false,
    contactPhone: requirePhone(input.contactPhone, 'input.contactPhone'),
    notes: input.notes == null ? '' : requireText(input.notes, 'input.notes', 500, { allowEmpty: true }),
  };
}

function windowOf(input: CareRequestDraftInput, now: Date): { windowStart: Date; windowEnd: Date } {
  if (input.urgency === Urgency.EMERGENCY) {
    return { windowStart: now, windowEnd: new Date(now.getTime() + EMERGENCY_WINDOW_MS) };
  }
  const start = input.windowStart ?? (input.urgency === Urgency.TODAY ? now : null);
  if (!start) throw badInput('input.windowStart', 'a scheduled request needs its start time.', '预约求助须填写开始时间。');
  if (start.getTime() < now.getTime() - 5 * MINUTE) throw badInput('input.windowStart', 'is in the past.', '不能早于现在。');
  if (start.getTime() > now.getTime() + MAX_AHEAD_MS) throw badInput('input.windowStart', 'is more than 30 days ahead.', '不能晚于 30 天后。');
  if (input.urgency === Urgency.TODAY && start.getTime() >= endOfShanghaiDay(now).getTime()) {
    throw badInput('input.windowStart', 'is not today (Shanghai time): make it SCHEDULED.', '不是今天（上海时间），请改为预约。');
  }
  // TODAY: by the end of the Shanghai day, however long that is; SCHEDULED: a window of at most 12 hours.
  const today = input.urgency === Urgency.TODAY;
  const end = input.windowEnd ?? (today ? endOfShanghaiDay(now) : new Date(start.getTime() + 2 * HOUR));
  if (end.getTime() <= start.getTime()) throw badInput('input.windowEnd', 'must be after the start.', '须晚于开始时间。');
  if (today && end.getTime() > endOfShanghaiDay(now).getTime()) throw badInput('input.windowEnd', 'is after today (Shanghai time): make it SCHEDULED.', '晚于今天（上海时间），请改为预约。');
  if (!today && end.getTime() - start.getTime() > MAX_WINDOW_MS) throw badInput('input.windowEnd', 'makes the window longer than 12 hours.', '时间窗口不能超过 12 小时。');
  return { windowStart: start, windowEnd: end };
}

// ---- the workflow ------------------------------------------------------------------------------------------------

/** Every step a request can take, with the statuses it may be taken from. Who takes it is checked by the service. */
export const STEPS = {
  triage: [CareStatus.SUBMITTED],
  offer: [CareStatus.SUBMITTED, CareStatus.QUEUED],
  respond: [CareStatus.OFFERED],
  start: [CareStatus.ACCEPTED],
  tick: [CareStatus.ACCEPTED, CareStatus.UNDER_WAY],
  done: [CareStatus.UNDER_WAY],
  fail: [CareStatus.ACCEPTED, CareStatus.UNDER_WAY],
  cancel: [CareStatus.SUBMITTED, CareStatus.QUEUED, CareStatus.OFFERED, CareStatus.ACCEPTED],
  expire: [CareStatus.OFFERED],
} as const satisfies Record<string, readonly CareStatus[]>;

export type CareStep = keyof typeof STEPS;

const STEP_LABELS: Record<CareStep, { en: string; zh: string }> = {
  triage: { en: 'be triaged', zh: '分诊' },
  offer: { en: 'be offered to a volunteer', zh: '派单' },
  respond: { en: 'be accepted or declined', zh: '接受或拒绝' },
  start: { en: 'get under way', zh: '开始执行' },
  tick: { en: 'have protocol steps ticked', zh: '勾选防护步骤' },
  done: { en: 'be marked done (it must be under way)', zh: '标记完成（须已开始执行）' },
  fail: { en: 'be marked failed', zh: '标记未能完成' },
  cancel: { en: 'be cancelled', zh: '取消' },
  expire: { en: 'have its offer expire', zh: '派单超时' },
};

/** The refusal when a request is not at a step where `step` can be taken. */
export function invalidTransition(step: CareStep, status: CareStatus, id: string): GraphQLError {
  const label = STEP_LABELS[step];
  return lilongError(
    'INVALID_TRANSITION',
    { en: `Care request ${id} is ${status}: it cannot ${label.en} now.`, zh: `求助 ${id} 当前状态为“${CARE_STATUS_ZH[status]}”，现在不能${label.zh}。` },
    { status, step },
  );
}

export function requireStep(step: CareStep, status: CareStatus, id: string): void {
  if (!(STEPS[step] as readonly CareStatus[]).includes(status)) throw invalidTransition(step, status, id);
}

/** How long a volunteer has to answer an offer, by default, by urgency. */
export const OFFER_TIMEOUT_MINUTES: Record<Urgency, number> = { EMERGENCY: 5, TODAY: 15, SCHEDULED: 60 };

// ---- what a task needs of a volunteer ----------------------------------------------------------------------------

export interface TaskNeeds {
  skills: Skill[];
  seats: number;
}

/** Skills and seats a task needs: a pick-up needs a medicine runner; a trip or urgent help a driver with the seats. */
export function needsOf(task: { kind: CareKind; passengers: number; wheelchair: boolean }): TaskNeeds {
  const skills = task.kind === CareKind.MEDICINE_PICKUP ? [Skill.MEDICINE_PICKUP] : [Skill.DRIVER];
  if (task.wheelchair) skills.push(Skill.WHEELCHAIR);
  return { skills, seats: task.kind === CareKind.MEDICINE_PICKUP ? 0 : Math.max(1, task.passengers) };
}

/** What a volunteer lacks for a task's needs, in words ("lacks DRIVER", "has 2 seat(s)"); undefined when suited. */
export function shortfallOf(volunteer: { skills: readonly Skill[]; vehicleSeats: number }, needs: TaskNeeds): { en: string; zh: string } | undefined {
  const missing = needs.skills.filter((s) => !volunteer.skills.includes(s));
  if (missing.length > 0) return { en: `lacks ${missing.join(', ')}`, zh: `缺少${missing.map((s) => SKILL_ZH[s]).join('、')}` };
  if (volunteer.vehicleSeats < needs.seats) return { en: `has ${volunteer.vehicleSeats} seat(s) for ${needs.seats}`, zh: `只有 ${volunteer.vehicleSeats} 个座位，需 ${needs.seats} 个` };
  return undefined;
}

export function needsLabel(needs: TaskNeeds): { en: string; zh: string } {
  return {
    en: needs.skills.join(' + ') + (needs.seats > 0 ? `, ${needs.seats} seat(s)` : ''),
    zh: needs.skills.map((s) => SKILL_ZH[s]).join('、') + (needs.seats > 0 ? `，${needs.seats} 个座位` : ''),
  };
}

/**
 * How much one task already in hand counts against a candidate, in metres of extra distance: dispatch prefers a
 * free volunteer 1.5 km further away to a busy one at the door.
 */
export const WORKLOAD_METRES = 1500;

/** A candidate's score: metres from the household plus the workload's weight; lower is better. */
export function candidateScore(distanceMetres: number, tasksInHand: number): number {
  return Math.round(distanceMetres) + tasksInHand * WORKLOAD_METRES;
}

// ---- the protective protocol -------------------------------------------------------------------------------------

export interface ProtocolStepDraft {
  label: string;
  labelEn: string;
  required: boolean;
}

const PPE: ProtocolStepDraft = { label: '穿戴防护服、N95 口罩、手套、护目镜', labelEn: 'Protective suit, N95 mask, gloves and goggles on', required: true };
const PASS: ProtocolStepDraft = { label: '携带通行证和志愿者证', labelEn: 'Road pass and volunteer card with you', required: true };
const DISINFECT_BEFORE: ProtocolStepDraft = { label: '出车前车辆消毒', labelEn: 'Vehicle disinfected before setting out', required: true };
const DISINFECT_AFTER: ProtocolStepDraft = { label: '收车后车辆消毒、脱防护服', labelEn: 'Vehicle disinfected and protective gear off afterwards', required: true };

/** The standard protocol of each kind of task, until the community configures its own. */
export const DEFAULT_PROTOCOLS: Record<CareKind, ProtocolStepDraft[]> = {
  MEDICINE_PICKUP: [
    PPE,
    PASS,
    { label: '从居民处接过医保卡、病历和处方', labelEn: "Medical insurance card, record and prescription received from the household", required: true },
    { label: '在药房或医院配药，核对药品清单', labelEn: 'Medicine collected and checked against the list', required: true },
    { label: '药品和医保卡交还居民（无接触）', labelEn: 'Medicine and insurance card handed back (no contact)', required: true },
    { label: '拍照留存交接凭证', labelEn: 'Photo of the hand-over kept', required: false },
  ],
  MEDICAL_TRIP: [
    PPE,
    PASS,
    DISINFECT_BEFORE,
    { label: '接到患者，核对医保卡和就诊预约', labelEn: 'Patient picked up; insurance card and appointment checked', required: true },
    { label: '送达医院', labelEn: 'Arrived at the hospital', required: true },
    { label: '患者已送回家（如需返程）', labelEn: 'Patient brought back home (if a return trip)', required: false },
    DISINFECT_AFTER,
  ],
  URGENT_HELP: [
    PPE,
    PASS,
    { label: '到达求助家庭', labelEn: 'Arrived at the household', required: true },
    { label: '已送医或已交给医护人员', labelEn: 'Taken to hospital or handed to medical staff', required: true },
    DISINFECT_AFTER,
  ],
};

/** Checks a community's protocol for a kind of task: 1-15 steps, each labelled in Chinese and English. */
export function validateProtocol(steps: readonly ProtocolStepDraft[]): ProtocolStepDraft[] {
  if (steps.length === 0 || steps.length > 15) throw badInput('input.steps', 'must have 1 to 15 steps.', '须有 1 到 15 个步骤。');
  return steps.map((step, i) => ({
    label: requireText(step.label, `input.steps[${i}].label`, 100),
    labelEn: requireText(step.labelEn, `input.steps[${i}].labelEn`, 150),
    required: step.required,
  }));
}

// ---- series ------------------------------------------------------------------------------------------------------

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

/** How far ahead a series' trips are created. */
export const SERIES_HORIZON_DAYS = 7;

export function requireDay(value: string, argument: string): string {
  if (!DAY.test(value)) {
    throw badInput(argument, 'must be a day, "YYYY-MM-DD".', '须为日期，格式 "YYYY-MM-DD"。');
  }
  const [y, m, d] = value.split('-').map(Number);
  const check = new Date(Date.UTC(y!, m! - 1, d!));
  if (check.getUTCMonth() !== m! - 1 || check.getUTCDate() !== d) throw badInput(argument, `"${value}" is not a day of the calendar.`, `"${value}" 不是有效日期。`);
  return value;
}

export function requireTime(value: string, argument: string): string {
  if (!TIME.test(value)) throw badInput(argument, 'must be a time of day, "HH:MM".', '须为时刻，格式 "HH:MM"。');
  return value;
}

/** The Shanghai day ("YYYY-MM-DD") of an instant. */
export function shanghaiDay(at: Date): string {
  return new Date(at.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** ISO weekday (1 = Monday) of a Shanghai day. */
export function weekdayOf(day: string): number {
  const d = new Date(`${day}T00:00:00Z`).getUTCDay();
  return d === 0 ? 7 : d;
}

export function addDays(day: string, n: number): string {
  return new Date(new Date(`${day}T00:00:00Z`).getTime() + n * 24 * HOUR).toISOString().slice(0, 10);
}

/**
 * The trips of a series from `fromDay` through `untilDay` (Shanghai days, inclusive), within its own first and
 * last day: each a window starting at its time on one of its weekdays.
 */
export function seriesTrips(
  series: { weekdays: readonly number[]; startTime: string; durationMinutes: number; firstDay: string; lastDay: string },
  fromDay: string,
  untilDay: string,
): { day: string; windowStart: Date; windowEnd: Date }[] {
  const out: { day: string; windowStart: Date; windowEnd: Date }[] = [];
  let day = fromDay < series.firstDay ? series.firstDay : fromDay;
  const last = untilDay > series.lastDay ? series.lastDay : untilDay;
  for (; day <= last; day = addDays(day, 1)) {
    if (!series.weekdays.includes(weekdayOf(day))) continue;
    const windowStart = new Date(`${day}T${series.startTime}:00+08:00`);
    out.push({ day, windowStart, windowEnd: new Date(windowStart.getTime() + series.durationMinutes * MINUTE) });
  }
  return out;
}
