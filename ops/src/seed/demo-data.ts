/**
 * Demo and test data for Lilong.
 *
 * `DEMO_COMMUNITIES` is a sub-district modelled on Shanghai's Xinhua Road sub-district (新华路街道, Changning): the
 * street names are the area's, but every compound, lane number, shop, product, household and volunteer here is
 * invented for the demo. Nothing in this file describes real people or real businesses. Its volunteer fleet (38, by
 * the nicknames teams use) has bases spread around the compounds, shifts from the demo's "now" into the next days,
 * and the communities' care requests 求助 stand at every step of the workflow: waiting for triage, queued, one offered,
 * one accepted, one done, exactly one emergency open, and a dialysis series. Hospitals are named as residents name
 * the city's public hospitals; the patients and prescriptions are invented. For the coverage report 不漏一户, a
 * long-term rental apartment (fahua) and two rows of shopfront dwellings (xinhua-1, panyu) have households, owners
 * and tenants, and no group; committees have surveyed for some kinds of compound and not for others.
 *
 * `TEST_COMMUNITIES` is a small fixture (alpha, beta, gamma) for integration tests; its shapes and distances are
 * chosen so that cross-community search and "nearest shops" orderings are known in advance (see the notes on it).
 *
 * The data are plain objects. Inside a community, compounds are named by a local `key` and households by
 * `[compoundKey, building, unit, room]`; database IDs and global IDs are made by `seedCommunity` when it inserts.
 */
// The enums' own modules, not the packages: the launcher reads this data without loading any entity or resolver.
import { CompoundKind } from '@lilong/groups/src/compound/compound-kind';
import { Tenure } from '@lilong/groups/src/household/tenure';
import { ShopKind } from '@lilong/shops/src/shop/shop-kind';
import { CareKind, TripPurpose, Urgency } from '@lilong/volunteers/src/care/care.enums';
import { Skill } from '@lilong/volunteers/src/volunteer/skill';

/** A household by its address inside the community: `[compoundKey, building, unit, room]`; unit '' where none. */
export type DemoHouseholdRef = [compoundKey: string, building: string, unit: string, room: string];

export interface DemoHousehold {
  /** Building 楼号 / lane-house number 号 / street number of a shopfront, e.g. "12". */
  building: string;
  /** Unit 单元; '' where the building has none (lane houses, most old public housing, shopfronts). */
  unit: string;
  /** Room 室, e.g. "402", or a lane-house room such as "亭子间". */
  room: string;
  tenure: Tenure;
}

export interface DemoCompound {
  /** Local key, unique in the community, used by households, groups, shops and volunteers to point here. */
  key: string;
  name: string;
  kind: CompoundKind;
  /** Street address of the gate, e.g. "番禺路 381 弄". */
  address: string;
  lat: number;
  lng: number;
  households: DemoHousehold[];
  /** Dispatch zone 片区 its care requests fall in (set as dispatch would, with setCompoundZone); none if absent. */
  zone?: string;
}

export interface DemoGroup {
  name: string;
  /** Key of the compound the group belongs to. */
  compound: string;
  /** The leader household 团长; must live in `compound`. */
  leader: DemoHouseholdRef;
}

export interface DemoProduct {
  name: string;
  /** Unit the price is for: "袋", "盒", "斤", "箱", ... */
  unit: string;
  /** Price per unit in fen: 4500 = 45 yuan. */
  priceFen: number;
  /** Units per pack (pooled orders round to whole packs); 1 unless sold by the case. */
  packSize: number;
  /** Units on the shelf. */
  onHand: number;
}

export interface DemoShop {
  name: string;
  kind: ShopKind;
  /** Key of the compound the shop stands in. */
  compound: string;
  address: string;
  lat: number;
  lng: number;
  products: DemoProduct[];
}

export interface DemoVolunteer {
  displayName: string;
  skills: Skill[];
  /** Passenger seats; a DRIVER needs at least 1, 0 = no car. */
  vehicleSeats: number;
  /** Dispatch zone 片区, e.g. "A片". */
  zone: string;
  available: boolean;
  /** Key of the compound they live in. */
  compound: string;
  /** Their household, if they registered it; must be in `compound`. */
  home?: DemoHouseholdRef;
  /**
   * Where they set out from, in metres north and east of their compound's gate (at most 1 km). Without it the seed
   * spreads the community's volunteers 150-400 m around their gates, each in another direction (`demoVolunteerBase`).
   */
  baseOffset?: { north: number; east: number };
  /** Shifts 值班时段 dispatch enters for them when the demo is seeded. */
  shifts?: DemoShift[];
}

/**
 * A shift: `'now'`, from the hour before seeding for eight hours (covering the demo's "now"); or a day's window,
 * `day` days after the seeding day (0 = today, left out once it is over; 1 = tomorrow), from and to "HH:MM"
 * Shanghai time.
 */
export type DemoShift = 'now' | { day: number; from: string; to: string };

/** Who asks for care: someone of the household, the helper it delegated care requests to (代办), or dispatch taking a call. */
export type DemoAsker = 'household' | 'helper' | 'dispatch';

/**
 * How far a demo care request got by the time of seeding; every step is taken through the care services, spread
 * evenly between asking and seeding. QUEUED: triaged; OFFERED: offered to `volunteer`, not yet answered; ACCEPTED:
 * accepted by `volunteer`, `ticked` protocol steps ticked; DONE: accepted, under way, every step ticked, done.
 */
export type DemoCareProgress = 'SUBMITTED' | 'QUEUED' | 'OFFERED' | 'ACCEPTED' | 'DONE';

export interface DemoCareRequest {
  household: DemoHouseholdRef;
  askedBy: DemoAsker;
  /** How long before seeding it was asked, in minutes (at most 600). */
  askedMinutesAgo: number;
  kind: CareKind;
  /** Medical trips only. */
  purpose?: TripPurpose;
  /** The pharmacy or hospital (pick-ups and trips). */
  destination?: string;
  /** Medicine pick-ups: one medicine per line. */
  prescriptions?: string[];
  urgency: Urgency;
  /**
   * TODAY: `{ hours }` from when it was asked (cut at the end of that Shanghai day). SCHEDULED: `{ day, at, hours }`, `day` days after the seeding day
   * (1-29), starting at "HH:MM" Shanghai time. EMERGENCY: none (now and the next two hours).
   */
  window?: { hours: number } | { day: number; at: string; hours: number };
  passengers?: number;
  wheelchair?: boolean;
  returnTrip?: boolean;
  contactPhone?: string;
  notes?: string;
  progress: DemoCareProgress;
  /** OFFERED, ACCEPTED, DONE: the volunteer's display name (of this community). */
  volunteer?: string;
  /** ACCEPTED: how many protocol steps the volunteer has ticked, in order. */
  ticked?: number;
  /** OFFERED: minutes the volunteer has to answer, 1-240; the offer must still be open at seeding. */
  respondWithinMinutes?: number;
}

/** A recurring medical trip (startCareSeries), started shortly before seeding and running `weeks` weeks from the seeding day. */
export interface DemoCareSeries {
  household: DemoHouseholdRef;
  askedBy: DemoAsker;
  askedMinutesAgo: number;
  purpose: TripPurpose;
  destination: string;
  /** ISO weekdays, 1 = Monday. */
  weekdays: number[];
  /** "HH:MM", Shanghai. */
  startTime: string;
  durationMinutes: number;
  weeks: number;
  passengers?: number;
  wheelchair?: boolean;
  returnTrip?: boolean;
  contactPhone?: string;
  notes?: string;
}

export interface DemoCommunity {
  /** Community code, the routing key: /^[a-z][a-z0-9-]{1,31}$/. */
  code: string;
  /** Chinese name, e.g. "新华一居委". */
  name: string;
  nameEn: string;
  /** Codes of adjacent communities (volunteer borrowing); kept symmetric. */
  neighbours: string[];
  /** The residents' committee office, WGS-84 degrees (for maps; not stored by the subgraphs). */
  lat: number;
  lng: number;
  compounds: DemoCompound[];
  groups: DemoGroup[];
  shops: DemoShop[];
  volunteers: DemoVolunteer[];
  /** Care requests 求助 replayed through the care services when the community is seeded (the demo only). */
  care?: DemoCareRequest[];
  careSeries?: DemoCareSeries[];
  /**
   * Surveys 摸排 the committee recorded for kinds of compound (recordCompoundSurvey's rule, surveyOf). The demo
   * leaves some kinds unsurveyed in every community, so the coverage report has something to say.
   */
  surveys?: DemoSurvey[];
}

/** A survey of the community for one kind of compound, `daysAgo` days before seeding (0-60), by committee staff. */
export interface DemoSurvey {
  kind: CompoundKind;
  found: number;
  note?: string;
  daysAgo: number;
}

const { OWNER, TENANT, OTHER } = Tenure;

/** A household row, written compactly. */
function hh(building: string, unit: string, room: string, tenure: Tenure): DemoHousehold {
  return { building, unit, room, tenure };
}

/** A product row, written compactly: name, unit, price in fen, pack size, on hand. */
function pr(name: string, unit: string, priceFen: number, packSize: number, onHand: number): DemoProduct {
  return { name, unit, priceFen, packSize, onHand };
}

/** A volunteer row, written compactly: name, skills, seats, zone, available now, compound, home, then shifts and the rest. */
function vo(
  displayName: string,
  skills: Skill[],
  vehicleSeats: number,
  zone: string,
  available: boolean,
  compound: string,
  home?: DemoHouseholdRef,
  more: Pick<DemoVolunteer, 'shifts' | 'baseOffset'> = {},
): DemoVolunteer {
  return { displayName, skills, vehicleSeats, zone, available, compound, ...(home ? { home } : {}), ...more };
}

/** A shift `day` days after seeding, "HH:MM" to "HH:MM" Shanghai time. */
const shift = (day: number, from: string, to: string): DemoShift => ({ day, from, to });
/**
 * The mornings, 07:00-12:00, of today (while it is not over) and of the next `days` days: dialysis trips
 * (07:30-11:30) fall in them, this morning's too when the demo is seeded after midnight.
 */
const mornings = (days: number): DemoShift[] => Array.from({ length: days + 1 }, (_, i) => shift(i, '07:00', '12:00'));

// ---------------------------------------------------------------------------------------------------------------
// Demo sub-district: four residents' committees around Xinhua Road, spread over about 2 km.
//   fahua (north, along 法华镇路) · xinhua-1 (west, 新华路/定西路) · xinhua-2 (east, 新华路/安顺路)
//   · panyu (south-east, 番禺路/淮海西路)
// ---------------------------------------------------------------------------------------------------------------

const XINHUA_1: DemoCommunity = {
  code: 'xinhua-1',
  name: '新华一居委',
  nameEn: 'Xinhua No. 1 Residents’ Committee',
  neighbours: ['xinhua-2', 'fahua'],
  lat: 31.2061,
  lng: 121.4217,
  compounds: [
    {
      key: 'xinhua-329',
      zone: 'A片',
      name: '新华路 329 弄',
      kind: CompoundKind.LANE_HOUSES,
      address: '新华路 329 弄',
      lat: 31.2058,
      lng: 121.4228,
      households: [
        hh('3', '', '前楼', OWNER),
        hh('3', '', '亭子间', TENANT),
        hh('3', '', '灶披间', OTHER),
        hh('7', '', '101', OWNER),
        hh('7', '', '201', OWNER),
        hh('11', '', '前厢房', TENANT),
        hh('11', '', '后楼', OWNER),
        hh('15', '', '三层阁', TENANT),
      ],
    },
    {
      key: 'xinhua-garden',
      zone: 'A片',
      name: '新华苑',
      kind: CompoundKind.COMMODITY_HOUSING,
      address: '新华路 365 弄',
      lat: 31.2049,
      lng: 121.4206,
      households: [
        hh('1', '1', '302', OWNER),
        hh('1', '1', '1101', OWNER),
        hh('1', '2', '604', TENANT),
        hh('2', '1', '201', OWNER),
        hh('2', '1', '1502', OWNER),
        hh('2', '2', '903', TENANT),
        hh('3', '1', '401', OWNER),
        hh('3', '1', '1202', OTHER),
        hh('3', '2', '702', OWNER),
        hh('3', '2', '1801', TENANT),
      ],
    },
    {
      key: 'dingxi-village',
      zone: 'B片',
      name: '定西新村',
      kind: CompoundKind.OLD_PUBLIC_HOUSING,
      address: '定西路 1100 弄',
      lat: 31.2082,
      lng: 121.4193,
      households: [
        hh('5', '', '101', OWNER),
        hh('5', '', '302', OWNER),
        hh('5', '', '503', TENANT),
        hh('6', '', '204', OTHER),
        hh('6', '', '401', OWNER),
        hh('12', '1', '102', OWNER),
        hh('12', '1', '301', TENANT),
        hh('12', '2', '201', OWNER),
        hh('12', '2', '602', TENANT),
      ],
    },
    {
      // People living behind and above the shops on the street: easy to leave off every list.
      key: 'xinhua-shopfront',
      zone: 'A片',
      name: '新华路沿街商铺住户（400-436 号）',
      kind: CompoundKind.SHOPFRONT_DWELLINGS,
      address: '新华路 400-436 号',
      lat: 31.2063,
      lng: 121.4212,
      households: [
        hh('402', '', '店后间', TENANT),
        hh('410', '', '阁楼', TENANT),
        hh('418', '', '二楼', OWNER),
        hh('426', '', '阁楼', OTHER),
        hh('436', '', '店后间', TENANT),
      ],
    },
  ],
  // Lanes, estates and old housing walked; nobody has yet looked for rental apartments, nor behind the shopfronts (the
  // shopfront dwellings on the list were registered when a resident asked, not by a survey).
  surveys: [
    { kind: CompoundKind.LANE_HOUSES, found: 1, daysAgo: 20 },
    { kind: CompoundKind.COMMODITY_HOUSING, found: 1, daysAgo: 20 },
    { kind: CompoundKind.OLD_PUBLIC_HOUSING, found: 1, note: '定西新村含 5、6、12 号楼', daysAgo: 19 },
  ],
  groups: [
    { name: '329 弄互助群', compound: 'xinhua-329', leader: ['xinhua-329', '7', '', '201'] },
    { name: '新华苑团购群', compound: 'xinhua-garden', leader: ['xinhua-garden', '2', '1', '1502'] },
  ],
  shops: [
    {
      name: '新华副食品店',
      kind: ShopKind.GROCERY,
      compound: 'xinhua-shopfront',
      address: '新华路 418 号',
      lat: 31.2064,
      lng: 121.4214,
      products: [
        pr('东北大米 5kg', '袋', 4500, 1, 36),
        pr('菜籽油 5L', '桶', 7990, 1, 12),
        pr('鸡蛋 30枚', '盒', 3200, 1, 0),
        pr('生抽 500ml', '瓶', 1250, 1, 48),
        pr('挂面 1kg', '袋', 990, 1, 60),
        pr('食盐 400g', '袋', 250, 1, 120),
        pr('方便面（红烧牛肉）', '袋', 350, 24, 96),
      ],
    },
    {
      // A restaurant that turned itself into the lane's vegetable point.
      name: '老新华本帮菜（临时蔬菜点）',
      kind: ShopKind.RESTAURANT,
      compound: 'xinhua-329',
      address: '新华路 331 号',
      lat: 31.2056,
      lng: 121.4231,
      products: [
        pr('蔬菜包（8样）', '份', 8800, 1, 25),
        pr('青菜', '斤', 600, 1, 80),
        pr('土豆', '斤', 350, 1, 150),
        pr('洋葱', '斤', 400, 1, 3),
        pr('冷冻猪肉 1kg', '袋', 4200, 1, 0),
        pr('番茄炒蛋盒饭', '份', 2500, 1, 40),
      ],
    },
    {
      name: '花间事花店',
      kind: ShopKind.FLORIST,
      compound: 'xinhua-garden',
      address: '新华路 367 号',
      lat: 31.2047,
      lng: 121.4209,
      products: [
        pr('向日葵', '枝', 1500, 1, 40),
        pr('康乃馨', '束', 6800, 1, 5),
        pr('绿萝', '盆', 3500, 1, 18),
      ],
    },
  ],
  volunteers: [
    {
      displayName: '王师傅',
      skills: [Skill.DRIVER, Skill.MEDICINE_PICKUP],
      vehicleSeats: 4,
      zone: 'A片',
      available: true,
      compound: 'xinhua-329',
      home: ['xinhua-329', '3', '', '前楼'],
      shifts: ['now'],
    },
    {
      displayName: '小李',
      skills: [Skill.DELIVERY],
      vehicleSeats: 0,
      zone: 'A片',
      available: true,
      compound: 'xinhua-garden',
      home: ['xinhua-garden', '1', '2', '604'],
    },
    {
      displayName: '陈阿姨',
      skills: [Skill.CARE, Skill.MEDICINE_PICKUP],
      vehicleSeats: 0,
      zone: 'B片',
      available: false,
      compound: 'dingxi-village',
      home: ['dingxi-village', '5', '', '302'],
      shifts: [shift(1, '08:30', '12:30')],
    },
    {
      displayName: '张医生',
      skills: [Skill.MEDICAL, Skill.ESCORT],
      vehicleSeats: 0,
      zone: 'B片',
      available: true,
      compound: 'dingxi-village',
    },
    {
      displayName: '赵师傅',
      skills: [Skill.DRIVER, Skill.ESCORT],
      vehicleSeats: 6,
      zone: 'B片',
      available: false,
      compound: 'xinhua-garden',
      home: ['xinhua-garden', '3', '1', '401'],
      shifts: [shift(1, '07:30', '15:30')],
    },
    vo('老周', [Skill.DRIVER, Skill.WHEELCHAIR, Skill.ESCORT], 5, 'B片', false, 'dingxi-village', ['dingxi-village', '6', '', '401'], { shifts: mornings(2) }),
    vo('沈阿姨', [Skill.MEDICINE_PICKUP, Skill.CARE], 0, 'A片', true, 'xinhua-329', ['xinhua-329', '11', '', '前厢房'], { shifts: ['now'] }),
    vo('小顾', [Skill.DRIVER, Skill.MEDICINE_PICKUP, Skill.DELIVERY], 4, 'A片', true, 'xinhua-garden', ['xinhua-garden', '2', '2', '903']),
    vo('胡师傅', [Skill.DRIVER], 3, 'B片', false, 'dingxi-village', ['dingxi-village', '12', '2', '201'], { shifts: [shift(1, '13:00', '20:00')] }),
    vo('阿珍', [Skill.MEDICINE_PICKUP, Skill.ESCORT], 0, 'A片', true, 'xinhua-shopfront', ['xinhua-shopfront', '410', '', '阁楼']),
  ],
  care: [
    {
      // This morning's first task, from the call to the medicine handed back.
      household: ['xinhua-329', '11', '', '后楼'],
      askedBy: 'household',
      askedMinutesAgo: 200,
      kind: CareKind.MEDICINE_PICKUP,
      destination: '华山医院门诊药房',
      prescriptions: ['苯磺酸氨氯地平片 5mg×7片 ×4盒', '缬沙坦胶囊 80mg×7粒 ×4盒'],
      urgency: Urgency.TODAY,
      window: { hours: 6 },
      progress: 'DONE',
      volunteer: '王师傅',
    },
    {
      household: ['xinhua-garden', '3', '1', '1202'],
      askedBy: 'household',
      askedMinutesAgo: 20,
      kind: CareKind.MEDICINE_PICKUP,
      destination: '新华街道社区卫生服务中心药房',
      prescriptions: ['门冬胰岛素注射液 300单位 ×5支', '血糖试纸 50片 ×1盒', '一次性针头 ×1盒'],
      urgency: Urgency.TODAY,
      window: { hours: 5 },
      notes: '胰岛素需冷藏，请带保温袋',
      progress: 'SUBMITTED',
    },
    {
      household: ['xinhua-329', '15', '', '三层阁'],
      askedBy: 'household',
      askedMinutesAgo: 140,
      kind: CareKind.MEDICINE_PICKUP,
      destination: '同仁医院门诊药房',
      prescriptions: ['阿托伐他汀钙片 20mg×7片 ×4盒', '单硝酸异山梨酯缓释片 40mg×24片 ×1盒'],
      urgency: Urgency.SCHEDULED,
      window: { day: 1, at: '09:00', hours: 3 },
      progress: 'QUEUED',
    },
    {
      household: ['dingxi-village', '12', '1', '102'],
      askedBy: 'household',
      askedMinutesAgo: 95,
      kind: CareKind.MEDICAL_TRIP,
      purpose: TripPurpose.CHEMOTHERAPY,
      destination: '复旦大学附属肿瘤医院（徐汇院区）',
      urgency: Urgency.SCHEDULED,
      window: { day: 1, at: '08:00', hours: 4 },
      passengers: 2,
      notes: '第三次化疗，女儿陪同；化疗后体虚怕冷，回程请慢开',
      progress: 'QUEUED',
    },
    {
      // The one emergency: an old man alone, the ambulance forty minutes away. Dispatch took the call.
      household: ['xinhua-shopfront', '426', '', '阁楼'],
      askedBy: 'dispatch',
      askedMinutesAgo: 6,
      kind: CareKind.URGENT_HELP,
      urgency: Urgency.EMERGENCY,
      passengers: 1,
      notes: '独居老人来电：胸闷气短。120 排队约 40 分钟，需先送同仁医院急诊；阁楼楼梯陡',
      progress: 'SUBMITTED',
    },
  ],
};

const XINHUA_2: DemoCommunity = {
  code: 'xinhua-2',
  name: '新华二居委',
  nameEn: 'Xinhua No. 2 Residents’ Committee',
  neighbours: ['xinhua-1', 'fahua', 'panyu'],
  lat: 31.2045,
  lng: 121.4299,
  compounds: [
    {
      key: 'anshun-lane',
      zone: 'A片',
      name: '安顺里',
      kind: CompoundKind.LANE_HOUSES,
      address: '安顺路 215 弄',
      lat: 31.2036,
      lng: 121.4288,
      households: [
        hh('2', '', '前楼', OWNER),
        hh('2', '', '亭子间', TENANT),
        hh('6', '', '客堂间', OWNER),
        hh('6', '', '二楼', OTHER),
        hh('9', '', '前楼', TENANT),
        hh('9', '', '后厢房', TENANT),
        hh('14', '', '101', OWNER),
      ],
    },
    {
      key: 'xinhua-2-village',
      zone: 'B片',
      name: '新华二村',
      kind: CompoundKind.OLD_PUBLIC_HOUSING,
      address: '新华路 119 弄',
      lat: 31.2052,
      lng: 121.4318,
      households: [
        hh('1', '', '101', OWNER),
        hh('1', '', '202', OWNER),
        hh('1', '', '403', TENANT),
        hh('2', '', '104', OWNER),
        hh('2', '', '301', OWNER),
        hh('2', '', '502', OTHER),
        hh('4', '', '201', TENANT),
        hh('4', '', '303', OWNER),
        hh('4', '', '601', OWNER),
        hh('7', '', '102', OWNER),
        hh('7', '', '405', TENANT),
      ],
    },
    {
      // A long-term rental apartment building: registered as a business, its tenants forgotten by the committee.
      key: 'yujian-apartments',
      zone: 'A片',
      name: '寓见新华长租公寓',
      kind: CompoundKind.LONG_TERM_RENTAL,
      address: '新华路 160 号',
      lat: 31.2043,
      lng: 121.4305,
      households: [
        hh('A', '', '0205', TENANT),
        hh('A', '', '0212', TENANT),
        hh('A', '', '0308', TENANT),
        hh('A', '', '0401', TENANT),
        hh('A', '', '0415', TENANT),
        hh('A', '', '0503', TENANT),
        hh('B', '', '0102', OTHER),
        hh('B', '', '0206', TENANT),
        hh('B', '', '0211', TENANT),
        hh('B', '', '0307', TENANT),
        hh('B', '', '0310', TENANT),
        hh('B', '', '0404', TENANT),
      ],
    },
  ],
  surveys: [
    { kind: CompoundKind.LANE_HOUSES, found: 1, daysAgo: 12 },
    // Two rental buildings found, one registered: the committee can see one is still missing.
    { kind: CompoundKind.LONG_TERM_RENTAL, found: 2, note: '问了两家中介：寓见新华已登记，新华路 188 号另一栋待登记', daysAgo: 3 },
  ],
  groups: [
    { name: '安顺里邻里群', compound: 'anshun-lane', leader: ['anshun-lane', '6', '', '客堂间'] },
    // A tenant runs the apartment building's group.
    { name: '寓见公寓租客互助群', compound: 'yujian-apartments', leader: ['yujian-apartments', 'A', '', '0308'] },
  ],
  shops: [
    {
      name: '新华路大药房',
      kind: ShopKind.PHARMACY,
      compound: 'xinhua-2-village',
      address: '新华路 121 号',
      lat: 31.205,
      lng: 121.4315,
      products: [
        pr('连花清瘟胶囊 24粒', '盒', 2780, 1, 0),
        pr('布洛芬缓释胶囊 0.3g×20粒', '盒', 1850, 1, 4),
        pr('医用外科口罩 50只', '盒', 2500, 1, 200),
        pr('抗原检测试剂 5人份', '盒', 4500, 1, 30),
        pr('75% 酒精消毒液 500ml', '瓶', 1500, 1, 60),
        pr('电子体温计', '支', 2800, 1, 2),
        pr('硝苯地平控释片 30mg×7片', '盒', 3250, 1, 10),
      ],
    },
    {
      name: '拐角咖啡',
      kind: ShopKind.CAFE,
      compound: 'anshun-lane',
      address: '安顺路 213 号',
      lat: 31.2034,
      lng: 121.4286,
      products: [
        pr('美式咖啡', '杯', 2200, 1, 50),
        pr('拿铁', '杯', 2800, 1, 30),
        pr('咖啡豆 250g', '袋', 8800, 1, 6),
        pr('纯牛奶 1L', '盒', 1600, 12, 48),
      ],
    },
    {
      name: '安顺鲜果',
      kind: ShopKind.FRUIT,
      compound: 'yujian-apartments',
      address: '新华路 162 号',
      lat: 31.2044,
      lng: 121.4307,
      products: [
        pr('苹果', '斤', 800, 1, 90),
        pr('赣南脐橙 10斤', '箱', 6800, 1, 8),
        pr('香蕉', '斤', 500, 1, 0),
        pr('猕猴桃 12个', '盒', 3000, 1, 15),
        pr('小番茄', '斤', 1200, 1, 2),
      ],
    },
  ],
  volunteers: [
    {
      displayName: '小周',
      skills: [Skill.TRANSLATION, Skill.DELIVERY],
      vehicleSeats: 0,
      zone: 'A片',
      available: true,
      compound: 'yujian-apartments',
      home: ['yujian-apartments', 'B', '', '0206'],
    },
    {
      displayName: '刘师傅',
      skills: [Skill.DRIVER, Skill.MEDICINE_PICKUP, Skill.DELIVERY],
      vehicleSeats: 4,
      zone: 'A片',
      available: true,
      compound: 'anshun-lane',
      home: ['anshun-lane', '9', '', '前楼'],
    },
    {
      displayName: '孙护士',
      skills: [Skill.MEDICAL, Skill.CARE],
      vehicleSeats: 0,
      zone: 'B片',
      available: false,
      compound: 'xinhua-2-village',
      home: ['xinhua-2-village', '4', '', '303'],
    },
    {
      displayName: '老马',
      skills: [Skill.ESCORT, Skill.MEDICINE_PICKUP],
      vehicleSeats: 0,
      zone: 'B片',
      available: true,
      compound: 'xinhua-2-village',
    },
    vo('吴师傅', [Skill.DRIVER, Skill.WHEELCHAIR], 4, 'B片', true, 'xinhua-2-village', ['xinhua-2-village', '2', '', '104'], { shifts: ['now'] }),
    vo('小邱', [Skill.MEDICINE_PICKUP, Skill.DELIVERY], 0, 'A片', true, 'yujian-apartments', ['yujian-apartments', 'A', '', '0212']),
    vo('范阿姨', [Skill.MEDICINE_PICKUP, Skill.CARE], 0, 'B片', false, 'xinhua-2-village', ['xinhua-2-village', '7', '', '102'], { shifts: [shift(1, '08:00', '12:00')] }),
    vo('老金', [Skill.DRIVER, Skill.ESCORT], 6, 'A片', false, 'anshun-lane', ['anshun-lane', '14', '', '101'], { shifts: [shift(2, '08:00', '16:00')] }),
    vo('小唐', [Skill.DRIVER], 2, 'A片', true, 'yujian-apartments', undefined, { shifts: ['now'] }),
  ],
  care: [
    {
      // The household offline (代办): its neighbour, the helper it delegated care requests to, asked.
      household: ['anshun-lane', '2', '', '前楼'],
      askedBy: 'helper',
      askedMinutesAgo: 55,
      kind: CareKind.MEDICINE_PICKUP,
      destination: '新华路大药房（新华路 121 号）',
      prescriptions: ['硝苯地平控释片 30mg×7片 ×4盒', '阿司匹林肠溶片 100mg×30片 ×1盒'],
      urgency: Urgency.SCHEDULED,
      window: { day: 1, at: '09:00', hours: 2 },
      notes: '老人不用手机，医保卡在代办邻居处',
      progress: 'QUEUED',
    },
    {
      household: ['yujian-apartments', 'A', '', '0415'],
      askedBy: 'household',
      askedMinutesAgo: 35,
      kind: CareKind.MEDICAL_TRIP,
      purpose: TripPurpose.PRENATAL_CHECK,
      destination: '国际和平妇幼保健院',
      urgency: Urgency.SCHEDULED,
      window: { day: 2, at: '09:00', hours: 3 },
      passengers: 2,
      notes: '孕 32 周产检，丈夫陪同',
      progress: 'OFFERED',
      volunteer: '刘师傅',
      respondWithinMinutes: 240,
    },
    {
      household: ['xinhua-2-village', '1', '', '202'],
      askedBy: 'household',
      askedMinutesAgo: 45,
      kind: CareKind.MEDICINE_PICKUP,
      destination: '新华路大药房（新华路 121 号）',
      prescriptions: ['二甲双胍缓释片 0.5g×30片 ×2盒', '布洛芬缓释胶囊 0.3g×20粒 ×1盒'],
      urgency: Urgency.TODAY,
      window: { hours: 5 },
      progress: 'ACCEPTED',
      volunteer: '老马',
      ticked: 2,
    },
    {
      household: ['anshun-lane', '6', '', '二楼'],
      askedBy: 'dispatch',
      askedMinutesAgo: 30,
      kind: CareKind.URGENT_HELP,
      urgency: Urgency.TODAY,
      window: { hours: 3 },
      passengers: 2,
      notes: '老人昨夜摔倒，腿痛不能走，意识清楚；120 暂无车辆，需送同仁医院急诊（非危重），家属陪同',
      progress: 'QUEUED',
    },
  ],
};

const FAHUA: DemoCommunity = {
  code: 'fahua',
  name: '法华居委',
  nameEn: 'Fahua Residents’ Committee',
  neighbours: ['xinhua-1', 'xinhua-2'],
  lat: 31.2102,
  lng: 121.4279,
  compounds: [
    {
      key: 'fahua-lane',
      zone: 'A片',
      name: '法华里',
      kind: CompoundKind.LANE_HOUSES,
      address: '法华镇路 522 弄',
      lat: 31.2098,
      lng: 121.4268,
      households: [
        hh('5', '', '前楼', OWNER),
        hh('5', '', '亭子间', TENANT),
        hh('8', '', '客堂间', OTHER),
        hh('8', '', '二楼前厢房', OWNER),
        hh('12', '', '101', OWNER),
        hh('12', '', '201', TENANT),
        hh('16', '', '前楼', OWNER),
        hh('16', '', '三层阁', TENANT),
      ],
    },
    {
      key: 'fahua-court',
      zone: 'A片',
      name: '法华苑',
      kind: CompoundKind.COMMODITY_HOUSING,
      address: '法华镇路 600 弄',
      lat: 31.2107,
      lng: 121.4245,
      households: [
        hh('1', '1', '501', OWNER),
        hh('1', '1', '1203', OWNER),
        hh('1', '2', '803', TENANT),
        hh('2', '1', '301', OWNER),
        hh('2', '1', '2101', OWNER),
        hh('5', '1', '102', OWNER),
        hh('5', '2', '1504', TENANT),
        hh('5', '2', '1702', OWNER),
        hh('6', '1', '602', OTHER),
      ],
    },
    {
      key: 'xingfu-youth',
      zone: 'B片',
      name: '幸福路青年公寓',
      kind: CompoundKind.LONG_TERM_RENTAL,
      address: '幸福路 137 号',
      lat: 31.2115,
      lng: 121.4296,
      households: [
        hh('1', '', '301', TENANT),
        hh('1', '', '302', TENANT),
        hh('1', '', '305', TENANT),
        hh('1', '', '408', TENANT),
        hh('1', '', '410', OTHER),
        hh('1', '', '512', TENANT),
        hh('1', '', '515', TENANT),
        hh('1', '', '601', TENANT),
      ],
    },
    {
      // A former factory's staff dormitory: neither commodity housing nor public housing.
      key: 'textile-dorm',
      zone: 'B片',
      name: '原纺机厂职工宿舍',
      kind: CompoundKind.OTHER,
      address: '法华镇路 470 号',
      lat: 31.2093,
      lng: 121.4302,
      households: [
        hh('1', '', '101', OTHER),
        hh('1', '', '103', OTHER),
        hh('1', '', '201', OWNER),
        hh('1', '', '204', TENANT),
        hh('1', '', '302', OTHER),
        hh('1', '', '305', TENANT),
      ],
    },
  ],
  // The youth apartments were registered when their tenants called the hotline; no survey of rentals yet.
  surveys: [
    { kind: CompoundKind.LANE_HOUSES, found: 1, daysAgo: 15 },
    { kind: CompoundKind.COMMODITY_HOUSING, found: 1, daysAgo: 15 },
  ],
  groups: [{ name: '法华里团购群', compound: 'fahua-lane', leader: ['fahua-lane', '12', '', '101'] }],
  shops: [
    {
      name: '法华生活超市',
      kind: ShopKind.SUPERMARKET,
      compound: 'fahua-court',
      address: '法华镇路 602 号',
      lat: 31.2105,
      lng: 121.4248,
      products: [
        pr('五常大米 10kg', '袋', 12800, 1, 10),
        pr('面粉 5kg', '袋', 3200, 1, 25),
        pr('矿泉水 550ml', '瓶', 200, 24, 192),
        pr('午餐肉罐头 340g', '罐', 2300, 12, 36),
        pr('速冻水饺 1kg', '袋', 2600, 1, 0),
        pr('卷纸 10卷', '提', 3990, 1, 20),
        pr('洗洁精 1.5kg', '瓶', 1490, 1, 1),
      ],
    },
    {
      name: '法华镇路面包房',
      kind: ShopKind.BAKERY,
      compound: 'fahua-lane',
      address: '法华镇路 518 号',
      lat: 31.2097,
      lng: 121.4265,
      products: [
        pr('白吐司', '袋', 1500, 1, 20),
        pr('全麦面包', '个', 800, 1, 12),
        pr('奶油小方', '盒', 2200, 1, 0),
        pr('葱油饼', '个', 500, 1, 30),
      ],
    },
    {
      name: '法华粮油店',
      kind: ShopKind.GROCERY,
      compound: 'textile-dorm',
      address: '法华镇路 472 号',
      lat: 31.2092,
      lng: 121.4304,
      products: [
        pr('东北大米 10kg', '袋', 7900, 1, 15),
        pr('大豆油 5L', '桶', 6990, 1, 7),
        pr('鸡蛋 30枚', '盒', 3000, 1, 40),
        pr('香辣酱 280g', '瓶', 1100, 1, 3),
      ],
    },
  ],
  volunteers: [
    {
      displayName: '钱师傅',
      skills: [Skill.DRIVER],
      vehicleSeats: 7,
      zone: 'A片',
      available: true,
      compound: 'fahua-court',
      home: ['fahua-court', '2', '1', '2101'],
      shifts: [shift(1, '13:00', '19:00')],
    },
    {
      displayName: '小吴',
      skills: [Skill.DELIVERY, Skill.MEDICINE_PICKUP],
      vehicleSeats: 0,
      zone: 'A片',
      available: true,
      compound: 'xingfu-youth',
      home: ['xingfu-youth', '1', '', '408'],
      shifts: [shift(1, '09:00', '15:00')],
    },
    {
      displayName: '何阿姨',
      skills: [Skill.CARE],
      vehicleSeats: 0,
      zone: 'B片',
      available: true,
      compound: 'textile-dorm',
      home: ['textile-dorm', '1', '', '201'],
    },
    {
      displayName: '郑医生',
      skills: [Skill.MEDICAL, Skill.ESCORT, Skill.DRIVER],
      vehicleSeats: 3,
      zone: 'B片',
      available: false,
      compound: 'fahua-lane',
    },
    // 陆师傅 drives the dialysis mornings of the whole week ahead (the series' trips are created a week ahead).
    vo('陆师傅', [Skill.DRIVER, Skill.WHEELCHAIR, Skill.ESCORT], 4, 'A片', true, 'fahua-lane', ['fahua-lane', '8', '', '二楼前厢房'], { shifts: mornings(7) }),
    vo('毛阿姨', [Skill.MEDICINE_PICKUP, Skill.CARE], 0, 'A片', true, 'fahua-lane', ['fahua-lane', '12', '', '201'], { shifts: ['now'] }),
    vo('小冯', [Skill.DRIVER, Skill.MEDICINE_PICKUP], 4, 'B片', false, 'xingfu-youth', ['xingfu-youth', '1', '', '302'], { shifts: [shift(1, '18:00', '22:00')] }),
    vo('戴师傅', [Skill.DRIVER, Skill.WHEELCHAIR], 3, 'B片', false, 'textile-dorm', ['textile-dorm', '1', '', '305'], { shifts: mornings(3) }),
    vo('小宋', [Skill.ESCORT, Skill.TRANSLATION], 0, 'B片', true, 'xingfu-youth', ['xingfu-youth', '1', '', '601']),
  ],
  care: [
    {
      household: ['fahua-court', '1', '1', '1203'],
      askedBy: 'household',
      askedMinutesAgo: 8,
      kind: CareKind.MEDICINE_PICKUP,
      destination: '华山医院门诊药房',
      prescriptions: ['左甲状腺素钠片 50μg×100片 ×1盒'],
      urgency: Urgency.TODAY,
      window: { hours: 6 },
      progress: 'SUBMITTED',
    },
    {
      household: ['xingfu-youth', '1', '', '512'],
      askedBy: 'household',
      askedMinutesAgo: 15,
      kind: CareKind.MEDICAL_TRIP,
      purpose: TripPurpose.MENTAL_HEALTH,
      destination: '上海市精神卫生中心（宛平南路）',
      urgency: Urgency.SCHEDULED,
      window: { day: 1, at: '14:00', hours: 3 },
      passengers: 1,
      notes: '复诊配药；请在楼下等候，不必上楼',
      progress: 'SUBMITTED',
    },
    {
      household: ['textile-dorm', '1', '', '103'],
      askedBy: 'household',
      askedMinutesAgo: 70,
      kind: CareKind.MEDICINE_PICKUP,
      destination: '同仁医院门诊药房',
      prescriptions: ['瑞舒伐他汀钙片 10mg×7片 ×4盒', '碳酸钙D3片 600mg×60片 ×1瓶'],
      urgency: Urgency.SCHEDULED,
      window: { day: 1, at: '10:00', hours: 4 },
      progress: 'QUEUED',
    },
  ],
  careSeries: [
    {
      household: ['fahua-lane', '16', '', '前楼'],
      askedBy: 'household',
      askedMinutesAgo: 90,
      purpose: TripPurpose.DIALYSIS,
      destination: '华山医院血液净化中心',
      weekdays: [1, 3, 5],
      startTime: '07:30',
      durationMinutes: 240,
      weeks: 8,
      passengers: 1,
      wheelchair: true,
      notes: '坐轮椅，石库门楼梯窄，需协助下楼；透析后乏力，请慢行',
    },
  ],
};

const PANYU: DemoCommunity = {
  code: 'panyu',
  name: '番禺居委',
  nameEn: 'Panyu Residents’ Committee',
  neighbours: ['xinhua-2'],
  lat: 31.2008,
  lng: 121.4347,
  compounds: [
    {
      key: 'panyu-381',
      zone: 'A片',
      name: '番禺路 381 弄',
      kind: CompoundKind.LANE_HOUSES,
      address: '番禺路 381 弄',
      lat: 31.2018,
      lng: 121.4352,
      households: [
        hh('1', '', '前楼', OWNER),
        hh('1', '', '后楼', TENANT),
        hh('4', '', '亭子间', TENANT),
        hh('4', '', '客堂间', OWNER),
        hh('10', '', '101', OWNER),
        hh('10', '', '201', OWNER),
        hh('10', '', '301', TENANT),
        hh('17', '', '前厢房', OTHER),
        hh('17', '', '灶披间', TENANT),
      ],
    },
    {
      key: 'panyu-village',
      zone: 'A片',
      name: '番禺新村',
      kind: CompoundKind.OLD_PUBLIC_HOUSING,
      address: '番禺路 222 弄',
      lat: 31.2031,
      lng: 121.436,
      households: [
        hh('3', '', '101', OWNER),
        hh('3', '', '402', OWNER),
        hh('3', '', '503', TENANT),
        hh('8', '', '201', OWNER),
        hh('8', '', '306', TENANT),
        hh('11', '', '104', OTHER),
        hh('11', '', '302', OWNER),
        hh('11', '', '601', TENANT),
      ],
    },
    {
      key: 'yunhai-garden',
      zone: 'B片',
      name: '云海苑',
      kind: CompoundKind.COMMODITY_HOUSING,
      address: '淮海西路 570 弄',
      lat: 31.1992,
      lng: 121.4331,
      households: [
        hh('1', '1', '1001', OWNER),
        hh('1', '2', '502', OWNER),
        hh('2', '1', '301', OWNER),
        hh('2', '1', '1402', TENANT),
        hh('3', '1', '802', OWNER),
        hh('3', '2', '1603', TENANT),
        hh('3', '2', '2202', OWNER),
      ],
    },
    {
      key: 'panyu-shopfront',
      zone: 'A片',
      name: '番禺路沿街商铺住户（300-338 号）',
      kind: CompoundKind.SHOPFRONT_DWELLINGS,
      address: '番禺路 300-338 号',
      lat: 31.201,
      lng: 121.4357,
      households: [
        hh('302', '', '阁楼', TENANT),
        hh('318', '', '店后间', TENANT),
        hh('326', '', '二楼', OWNER),
        hh('338', '', '阁楼', OTHER),
      ],
    },
  ],
  surveys: [
    { kind: CompoundKind.LANE_HOUSES, found: 1, daysAgo: 10 },
    { kind: CompoundKind.OLD_PUBLIC_HOUSING, found: 1, daysAgo: 10 },
    { kind: CompoundKind.COMMODITY_HOUSING, found: 1, daysAgo: 10 },
    { kind: CompoundKind.SHOPFRONT_DWELLINGS, found: 1, note: '番禺路 300-338 号沿街逐户敲门', daysAgo: 2 },
  ],
  groups: [
    { name: '番禺新村互助群', compound: 'panyu-village', leader: ['panyu-village', '3', '', '402'] },
    { name: '云海苑团购群', compound: 'yunhai-garden', leader: ['yunhai-garden', '1', '2', '502'] },
  ],
  shops: [
    {
      name: '番禺路药房',
      kind: ShopKind.PHARMACY,
      compound: 'panyu-shopfront',
      address: '番禺路 310 号',
      lat: 31.2012,
      lng: 121.4358,
      products: [
        pr('连花清瘟胶囊 24粒', '盒', 2780, 1, 12),
        pr('对乙酰氨基酚片 0.5g×20片', '盒', 1200, 1, 0),
        pr('医用外科口罩 50只', '盒', 2500, 1, 80),
        pr('二甲双胍缓释片 0.5g×30片', '盒', 2650, 1, 6),
        pr('碘伏消毒液 100ml', '瓶', 800, 1, 25),
      ],
    },
    {
      name: '阿婆面馆（蔬菜团购点）',
      kind: ShopKind.RESTAURANT,
      compound: 'panyu-shopfront',
      address: '番禺路 326 号',
      lat: 31.2009,
      lng: 121.4356,
      products: [
        pr('蔬菜包（6样）', '份', 6800, 1, 30),
        pr('鸡毛菜', '斤', 800, 1, 0),
        pr('胡萝卜', '斤', 300, 1, 100),
        pr('冬瓜', '斤', 250, 1, 45),
        pr('冷冻鲜肉馄饨 50只', '袋', 3500, 1, 4),
      ],
    },
    {
      name: '番禺路水果店',
      kind: ShopKind.FRUIT,
      compound: 'panyu-381',
      address: '番禺路 379 号',
      lat: 31.2016,
      lng: 121.4354,
      products: [
        pr('砂糖橘', '斤', 700, 1, 60),
        pr('红富士苹果 5kg', '箱', 6500, 1, 9),
        pr('柠檬', '个', 300, 1, 200),
        pr('麒麟西瓜', '个', 4500, 1, 0),
      ],
    },
  ],
  volunteers: [
    {
      displayName: '黄师傅',
      skills: [Skill.DRIVER, Skill.ESCORT],
      vehicleSeats: 4,
      zone: 'A片',
      available: true,
      compound: 'panyu-village',
      home: ['panyu-village', '8', '', '201'],
    },
    {
      displayName: '小林',
      skills: [Skill.DELIVERY],
      vehicleSeats: 0,
      zone: 'A片',
      available: false,
      compound: 'panyu-shopfront',
      home: ['panyu-shopfront', '318', '', '店后间'],
    },
    {
      displayName: '杨老师',
      skills: [Skill.TRANSLATION, Skill.CARE],
      vehicleSeats: 0,
      zone: 'B片',
      available: true,
      compound: 'yunhai-garden',
      home: ['yunhai-garden', '2', '1', '301'],
    },
    {
      displayName: '许师傅',
      skills: [Skill.DRIVER, Skill.MEDICINE_PICKUP],
      vehicleSeats: 2,
      zone: 'B片',
      available: true,
      compound: 'panyu-381',
    },
    {
      displayName: '蒋阿姨',
      skills: [Skill.MEDICINE_PICKUP, Skill.CARE],
      vehicleSeats: 0,
      zone: 'A片',
      available: true,
      compound: 'panyu-381',
      home: ['panyu-381', '4', '', '客堂间'],
    },
    vo('邵师傅', [Skill.DRIVER, Skill.WHEELCHAIR, Skill.ESCORT], 4, 'B片', true, 'yunhai-garden', ['yunhai-garden', '1', '1', '1001'], { shifts: ['now', shift(1, '08:00', '14:00')] }),
    vo('俞阿姨', [Skill.MEDICINE_PICKUP], 0, 'A片', true, 'panyu-village', ['panyu-village', '3', '', '503']),
    vo('小汤', [Skill.DRIVER, Skill.DELIVERY, Skill.MEDICINE_PICKUP], 4, 'A片', false, 'panyu-shopfront', ['panyu-shopfront', '302', '', '阁楼'], { shifts: [shift(1, '09:00', '17:00')] }),
    vo('老曹', [Skill.DRIVER], 6, 'B片', false, 'yunhai-garden', undefined, { shifts: [shift(2, '07:00', '13:00')] }),
    vo('小姚', [Skill.ESCORT, Skill.MEDICINE_PICKUP], 0, 'B片', true, 'panyu-village', ['panyu-village', '8', '', '306']),
  ],
  care: [
    {
      household: ['panyu-village', '11', '', '104'],
      askedBy: 'household',
      askedMinutesAgo: 12,
      kind: CareKind.MEDICINE_PICKUP,
      destination: '番禺路药房（番禺路 310 号）',
      prescriptions: ['二甲双胍缓释片 0.5g×30片 ×2盒', '阿卡波糖片 50mg×30片 ×2盒'],
      urgency: Urgency.TODAY,
      window: { hours: 4 },
      progress: 'SUBMITTED',
    },
    {
      household: ['yunhai-garden', '3', '2', '2202'],
      askedBy: 'household',
      askedMinutesAgo: 120,
      kind: CareKind.MEDICAL_TRIP,
      purpose: TripPurpose.INJURY,
      destination: '上海市第六人民医院骨科',
      urgency: Urgency.SCHEDULED,
      window: { day: 1, at: '10:00', hours: 3 },
      passengers: 2,
      wheelchair: true,
      notes: '股骨骨折术后复查，坐轮椅，老伴陪同',
      progress: 'QUEUED',
    },
    {
      household: ['panyu-381', '17', '', '灶披间'],
      askedBy: 'dispatch',
      askedMinutesAgo: 25,
      kind: CareKind.URGENT_HELP,
      urgency: Urgency.TODAY,
      window: { hours: 3 },
      passengers: 2,
      notes: '片区停电，老人在家用制氧机，备用电池只够两小时；需送往女儿家（虹桥路），带上制氧机',
      progress: 'SUBMITTED',
    },
  ],
};

/** The demo sub-district (invented, modelled on 新华路街道): four communities, every CompoundKind present. */
export const DEMO_COMMUNITIES: DemoCommunity[] = [XINHUA_1, XINHUA_2, FAHUA, PANYU];

// ---------------------------------------------------------------------------------------------------------------
// Test fixture: three small communities on a south-west to north-east line.
//
//   alpha (甲) around 31.2000N 121.4200E · beta (乙) ~0.5 km north-east of alpha · gamma (丙) ~2 km from alpha,
//   ~1.3 km from beta. Seen from any alpha compound, shops order: alpha's, then beta's, then gamma's.
//   Every product has stock (onHand > 0). Each community sells exactly one product whose name contains "大米":
//     gamma 丝苗大米 5kg 3900 < alpha 东北大米 5kg 4500 < beta 五常大米 5kg 6800  (cheapest first ≠ code order).
//   Each community has one available DRIVER (seats >= 1) and one unavailable non-driver.
//   Together the six compounds cover every CompoundKind. Neighbours: alpha–beta, beta–gamma (not alpha–gamma).
//   Volunteers' bases are given as offsets from their compound gate (`baseOffset`, metres north and east), so a
//   test computes their distances with `demoVolunteerBase`. No compound zones, shifts or care requests are seeded.
// ---------------------------------------------------------------------------------------------------------------

const ALPHA: DemoCommunity = {
  code: 'alpha',
  name: '甲社区',
  nameEn: 'Alpha',
  neighbours: ['beta'],
  lat: 31.2004,
  lng: 121.4205,
  compounds: [
    {
      key: 'alpha-lane',
      name: '甲里',
      kind: CompoundKind.LANE_HOUSES,
      address: '甲路 101 弄',
      lat: 31.2,
      lng: 121.42,
      households: [hh('1', '', '101', OWNER), hh('1', '', '201', TENANT)],
    },
    {
      key: 'alpha-court',
      name: '甲苑',
      kind: CompoundKind.COMMODITY_HOUSING,
      address: '甲路 120 弄',
      lat: 31.2008,
      lng: 121.4212,
      households: [hh('1', '1', '301', OWNER), hh('1', '1', '302', TENANT), hh('2', '1', '1201', OTHER)],
    },
  ],
  groups: [{ name: '甲里互助群', compound: 'alpha-lane', leader: ['alpha-lane', '1', '', '101'] }],
  shops: [
    {
      name: '甲副食品店',
      kind: ShopKind.GROCERY,
      compound: 'alpha-lane',
      address: '甲路 103 号',
      lat: 31.2001,
      lng: 121.4202,
      products: [pr('东北大米 5kg', '袋', 4500, 1, 20), pr('鸡蛋 30枚', '盒', 3200, 1, 10), pr('生抽 500ml', '瓶', 1250, 1, 15)],
    },
    {
      name: '甲药房',
      kind: ShopKind.PHARMACY,
      compound: 'alpha-court',
      address: '甲路 122 号',
      lat: 31.2009,
      lng: 121.4214,
      products: [pr('连花清瘟胶囊 24粒', '盒', 2780, 1, 5), pr('医用外科口罩 50只', '盒', 2500, 1, 50)],
    },
  ],
  volunteers: [
    {
      displayName: '甲师傅',
      skills: [Skill.DRIVER, Skill.ESCORT],
      vehicleSeats: 4,
      zone: 'A片',
      available: true,
      compound: 'alpha-lane',
      home: ['alpha-lane', '1', '', '201'],
      baseOffset: { north: 150, east: 0 },
    },
    {
      displayName: '小甲',
      skills: [Skill.MEDICINE_PICKUP, Skill.DELIVERY],
      vehicleSeats: 0,
      zone: 'A片',
      available: false,
      compound: 'alpha-court',
      baseOffset: { north: 0, east: -200 },
    },
  ],
};

const BETA: DemoCommunity = {
  code: 'beta',
  name: '乙社区',
  nameEn: 'Beta',
  neighbours: ['alpha', 'gamma'],
  lat: 31.2043,
  lng: 121.4236,
  compounds: [
    {
      key: 'beta-village',
      name: '乙新村',
      kind: CompoundKind.OLD_PUBLIC_HOUSING,
      address: '乙路 45 弄',
      lat: 31.204,
      lng: 121.423,
      households: [hh('3', '', '101', OWNER), hh('3', '', '402', TENANT)],
    },
    {
      key: 'beta-dorm',
      name: '乙厂宿舍',
      kind: CompoundKind.OTHER,
      address: '乙路 80 号',
      lat: 31.2046,
      lng: 121.4242,
      households: [hh('1', '', '203', OTHER)],
    },
  ],
  groups: [{ name: '乙新村团购群', compound: 'beta-village', leader: ['beta-village', '3', '', '402'] }],
  shops: [
    {
      name: '乙超市',
      kind: ShopKind.SUPERMARKET,
      compound: 'beta-village',
      address: '乙路 47 号',
      lat: 31.2041,
      lng: 121.4232,
      products: [pr('五常大米 5kg', '袋', 6800, 1, 8), pr('菜籽油 5L', '桶', 7990, 1, 6), pr('纯牛奶 1L', '盒', 1600, 12, 24)],
    },
    {
      name: '乙水果店',
      kind: ShopKind.FRUIT,
      compound: 'beta-dorm',
      address: '乙路 82 号',
      lat: 31.2047,
      lng: 121.4244,
      products: [pr('苹果', '斤', 800, 1, 40), pr('香蕉', '斤', 500, 1, 30)],
    },
  ],
  volunteers: [
    {
      displayName: '乙师傅',
      skills: [Skill.DRIVER, Skill.MEDICINE_PICKUP],
      vehicleSeats: 3,
      zone: 'A片',
      available: true,
      compound: 'beta-village',
      home: ['beta-village', '3', '', '101'],
      baseOffset: { north: -120, east: 90 },
    },
    {
      displayName: '小乙',
      skills: [Skill.CARE],
      vehicleSeats: 0,
      zone: 'B片',
      available: false,
      compound: 'beta-dorm',
      home: ['beta-dorm', '1', '', '203'],
      baseOffset: { north: 200, east: 0 },
    },
  ],
};

const GAMMA: DemoCommunity = {
  code: 'gamma',
  name: '丙社区',
  nameEn: 'Gamma',
  neighbours: ['beta'],
  lat: 31.2146,
  lng: 121.431,
  compounds: [
    {
      key: 'gamma-apartments',
      name: '丙长租公寓',
      kind: CompoundKind.LONG_TERM_RENTAL,
      address: '丙路 9 号',
      lat: 31.215,
      lng: 121.43,
      households: [hh('A', '', '0301', TENANT), hh('A', '', '0302', TENANT), hh('A', '', '0405', TENANT)],
    },
    {
      key: 'gamma-shopfront',
      name: '丙路沿街商铺住户',
      kind: CompoundKind.SHOPFRONT_DWELLINGS,
      address: '丙路 20-36 号',
      lat: 31.2143,
      lng: 121.4318,
      households: [hh('24', '', '阁楼', TENANT), hh('30', '', '店后间', OWNER)],
    },
  ],
  groups: [{ name: '丙公寓租客群', compound: 'gamma-apartments', leader: ['gamma-apartments', 'A', '', '0302'] }],
  shops: [
    {
      name: '丙粮油店',
      kind: ShopKind.GROCERY,
      compound: 'gamma-shopfront',
      address: '丙路 24 号',
      lat: 31.2144,
      lng: 121.4316,
      products: [pr('丝苗大米 5kg', '袋', 3900, 1, 50), pr('挂面 1kg', '袋', 990, 1, 20), pr('生抽 500ml', '瓶', 1350, 1, 15)],
    },
    {
      name: '丙咖啡',
      kind: ShopKind.CAFE,
      compound: 'gamma-apartments',
      address: '丙路 11 号',
      lat: 31.2151,
      lng: 121.4302,
      products: [pr('拿铁', '杯', 2800, 1, 10), pr('纯牛奶 1L', '盒', 1700, 12, 24)],
    },
  ],
  volunteers: [
    {
      displayName: '丙师傅',
      skills: [Skill.DRIVER],
      vehicleSeats: 6,
      zone: 'A片',
      available: true,
      compound: 'gamma-apartments',
      home: ['gamma-apartments', 'A', '', '0405'],
      baseOffset: { north: 0, east: 250 },
    },
    {
      displayName: '小丙',
      skills: [Skill.DELIVERY, Skill.TRANSLATION],
      vehicleSeats: 0,
      zone: 'A片',
      available: false,
      compound: 'gamma-shopfront',
      baseOffset: { north: -150, east: -150 },
    },
  ],
};

/** Small fixture for integration tests (see the notes above ALPHA for what it guarantees). */
export const TEST_COMMUNITIES: DemoCommunity[] = [ALPHA, BETA, GAMMA];
