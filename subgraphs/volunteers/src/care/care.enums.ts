import { registerEnumType } from 'type-graphql';

/** What a household asks for 求助. */
export enum CareKind {
  MEDICINE_PICKUP = 'MEDICINE_PICKUP',
  MEDICAL_TRIP = 'MEDICAL_TRIP',
  URGENT_HELP = 'URGENT_HELP',
}

export const CARE_KIND_ZH: Record<CareKind, string> = {
  MEDICINE_PICKUP: '代配药',
  MEDICAL_TRIP: '就医接送',
  URGENT_HELP: '紧急求助',
};

/** Why a medical trip is made. */
export enum TripPurpose {
  CHEMOTHERAPY = 'CHEMOTHERAPY',
  DIALYSIS = 'DIALYSIS',
  PRENATAL_CHECK = 'PRENATAL_CHECK',
  MENTAL_HEALTH = 'MENTAL_HEALTH',
  INJURY = 'INJURY',
  OTHER = 'OTHER',
}

export const TRIP_PURPOSE_ZH: Record<TripPurpose, string> = {
  CHEMOTHERAPY: '化疗',
  DIALYSIS: '透析',
  PRENATAL_CHECK: '产检',
  MENTAL_HEALTH: '精神心理就诊',
  INJURY: '外伤',
  OTHER: '其他',
};

/** How soon: EMERGENCY (now), TODAY (within the day's window), SCHEDULED (a booked time). Listed most urgent first. */
export enum Urgency {
  EMERGENCY = 'EMERGENCY',
  TODAY = 'TODAY',
  SCHEDULED = 'SCHEDULED',
}

export const URGENCY_ZH: Record<Urgency, string> = { EMERGENCY: '紧急', TODAY: '当天', SCHEDULED: '预约' };

/** Most urgent first, for the dispatcher's queue. */
export const URGENCY_RANK: Record<Urgency, number> = { EMERGENCY: 0, TODAY: 1, SCHEDULED: 2 };

/**
 * Where a care request stands. SUBMITTED: waiting for triage. QUEUED: accepted as a task, waiting for a volunteer.
 * OFFERED: offered to one volunteer, who has until `offerExpiresAt` to answer. ACCEPTED: the volunteer took it.
 * UNDER_WAY: picked up (the medicine, the patient). DONE / FAILED: finished. MERGED, REFERRED, DECLINED: triaged
 * out (into another request, to another service, or refused with a reason). CANCELLED: by the household.
 */
export enum CareStatus {
  SUBMITTED = 'SUBMITTED',
  QUEUED = 'QUEUED',
  OFFERED = 'OFFERED',
  ACCEPTED = 'ACCEPTED',
  UNDER_WAY = 'UNDER_WAY',
  DONE = 'DONE',
  FAILED = 'FAILED',
  MERGED = 'MERGED',
  REFERRED = 'REFERRED',
  DECLINED = 'DECLINED',
  CANCELLED = 'CANCELLED',
}

export const CARE_STATUS_ZH: Record<CareStatus, string> = {
  SUBMITTED: '待分诊',
  QUEUED: '待派单',
  OFFERED: '已派单待接受',
  ACCEPTED: '志愿者已接单',
  UNDER_WAY: '进行中',
  DONE: '已完成',
  FAILED: '未能完成',
  MERGED: '已合并',
  REFERRED: '已转介',
  DECLINED: '未受理',
  CANCELLED: '已取消',
};

/** Requests a dispatcher still has to act on, or a volunteer is still working on. */
export const OPEN_STATUSES = [CareStatus.SUBMITTED, CareStatus.QUEUED, CareStatus.OFFERED, CareStatus.ACCEPTED, CareStatus.UNDER_WAY] as const;

/** A dispatcher's triage of a submitted request. */
export enum TriageDecision {
  ACCEPT = 'ACCEPT',
  MERGE = 'MERGE',
  REFER = 'REFER',
  DECLINE = 'DECLINE',
}

/** How a volunteer ends a task. */
export enum CareOutcome {
  DONE = 'DONE',
  FAILED = 'FAILED',
}

/** A volunteer's hold on a task's time window (in the volunteer's community). */
export enum CommitmentState {
  HELD = 'HELD',
  RELEASED = 'RELEASED',
  DONE = 'DONE',
}

registerEnumType(CareKind, {
  name: 'CareKind',
  description: 'What a household asks for 求助类型',
  valuesConfig: {
    MEDICINE_PICKUP: { description: `Collect a prescription at a pharmacy or hospital ${CARE_KIND_ZH.MEDICINE_PICKUP}` },
    MEDICAL_TRIP: { description: `Drive a patient to treatment and back ${CARE_KIND_ZH.MEDICAL_TRIP}` },
    URGENT_HELP: { description: `Urgent help the ambulance cannot give in time ${CARE_KIND_ZH.URGENT_HELP}` },
  },
});
registerEnumType(TripPurpose, {
  name: 'TripPurpose',
  description: 'Why a medical trip is made 就医事由',
  valuesConfig: Object.fromEntries(Object.values(TripPurpose).map((p) => [p, { description: TRIP_PURPOSE_ZH[p] }])),
});
registerEnumType(Urgency, {
  name: 'Urgency',
  description: 'How soon 紧急程度',
  valuesConfig: {
    EMERGENCY: { description: `Now ${URGENCY_ZH.EMERGENCY}` },
    TODAY: { description: `Within today's window ${URGENCY_ZH.TODAY}` },
    SCHEDULED: { description: `At a booked time ${URGENCY_ZH.SCHEDULED}` },
  },
});
registerEnumType(CareStatus, {
  name: 'CareStatus',
  description: 'Where a care request stands 求助进度',
  valuesConfig: Object.fromEntries(Object.values(CareStatus).map((s) => [s, { description: CARE_STATUS_ZH[s] }])),
});
registerEnumType(TriageDecision, {
  name: 'TriageDecision',
  description: "A dispatcher's triage 分诊",
  valuesConfig: {
    ACCEPT: { description: 'Accept as a task for a volunteer 受理' },
    MERGE: { description: 'Merge into another open request of the household (a duplicate) 合并' },
    REFER: { description: 'Refer elsewhere (ambulance, clinic, hotline); the note says where 转介' },
    DECLINE: { description: 'Decline, with a reason the household sees 不予受理' },
  },
});
registerEnumType(CareOutcome, {
  name: 'CareOutcome',
  description: 'How a task ended 结果',
  valuesConfig: { DONE: { description: 'Delivered, or patient brought back 已完成' }, FAILED: { description: 'Could not be done; the reason says why 未能完成' } },
});
registerEnumType(CommitmentState, {
  name: 'CommitmentState',
  description: "A volunteer's hold on a task 志愿者占用",
  valuesConfig: { HELD: { description: 'Holds the time window 占用中' }, RELEASED: { description: 'Released 已释放' }, DONE: { description: 'Task finished 已完成' } },
});
