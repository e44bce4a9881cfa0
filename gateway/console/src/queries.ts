/**
 * Every document the console sends. One query per refresh answers every panel: the hub fans it out to the
 * communities itself, so the page never sends one request per community or per row.
 */

/** At sign-in: the communities, and the caller's roles in each, from its records and the hub's grants. */
export const WHO_QUERY = /* GraphQL */ `
  query ConsoleWho {
    communities { code name nameEn status myRoles }
  }
`;

export type CallerRole = 'RESIDENT' | 'LEADER' | 'DEPUTY' | 'MERCHANT' | 'VOLUNTEER' | 'DISPATCHER' | 'INFO_OFFICER' | 'COMMITTEE' | 'HELPER' | 'SUBDISTRICT' | 'PARTNER';

export interface WhoAnswer {
  communities: { code: string; name: string; nameEn: string | null; status: string; myRoles: CallerRole[] | null }[];
}

/** The days the coverage panel looks back (1-90 in the API). */
export const COVERAGE_DAYS = 7;
/** The days of group orders formed and failed (1-90). */
export const ORDER_DAYS = 14;
/** The days of searches with nothing in stock (1-30), and how many terms each community gives. */
export const SEARCH_DAYS = 7;
export const SEARCH_TERMS = 10;

const NOTICE_FIELDS = 'id title category publishedAt verified verification { message messageZh }';

/**
 * A community's fields for every panel, written out in the document rather than as fragments: the hub's cost
 * limit counts a fragment's fields again at each spread. `households` is the coverage's list of households not
 * reached: ids only for the sub-district, addresses for a community's own staff.
 */
const communityFields = (households: string) => /* GraphQL */ `
    code name nameEn status statusDetail
    compounds { id name kind lat lng householdCount }
    lowStock { id name unit lowStockThreshold stock { available } shop { name } }
    careQueue(first: 50) { id kind urgency status zone area waitedMinutes }
    careFigures { takenAt days medianMinutesToAccept medianMinutesToDone zones { zone open { kind urgency count } medianMinutesToAccept medianMinutesToDone volunteersAvailableNow borrowedIn lentOut } }
    coverage(days: $days) {
      takenAt days
      counts { households reached notReached }
      kinds { kind compounds compoundsWithoutGroup }
      compoundsWithoutGroup { compound { id } }
      kindsNeverSurveyed
      householdsNotReached { ${households} }
    }
    notices(current: true, first: 5) { ${NOTICE_FIELDS} }
    questions(first: 20, status: OPEN) { id text askedFrom waitedMinutes askedCount }
    groups { id name compound { id } }
    orderOutcomes(days: ${ORDER_DAYS}) { day formed failed }
    unmetSearches(days: ${SEARCH_DAYS}, first: ${SEARCH_TERMS}) { term count lastSearchedAt }
`;

const POOLS = /* GraphQL */ `
  openPools(first: 30) {
    id status deadline packSize minimumPacks
    community { code }
    product { name unit }
    shop { name }
    progress { totalQuantity packsMissing unitsToNextPack wouldForm }
  }
`;

/** Sub-district staff: every community. */
export const SUBDISTRICT_QUERY = /* GraphQL */ `
  query ConsoleSubDistrict($days: Int!) {
    communities { ${communityFields('householdId')} }
    ${POOLS}
  }
`;

/** Committee staff: their community, with each household no group order reached (by address), for drill-down. */
export const COMMUNITY_QUERY = /* GraphQL */ `
  query ConsoleCommunity($code: String!, $days: Int!) {
    community(code: $code) { ${communityFields('householdId address building tenure compound { id } lastReachedAt')} }
    ${POOLS}
  }
`;

/** Information officers: their community's node, notices and open questions. */
export const INFORMATION_QUERY = /* GraphQL */ `
  query ConsoleInformation($code: String!) {
    community(code: $code) { code name nameEn status statusDetail notices(current: true, first: 20) { ${NOTICE_FIELDS} } questions(first: 50, status: OPEN) { id text askedFrom waitedMinutes askedCount } }
  }
`;

/** Live notices of the communities shown, on one stream; `after`: the last event ID received of each. */
export const NOTICES_SUBSCRIPTION = /* GraphQL */ `
  subscription ConsoleNotices($communities: [String!], $after: [ID!]) {
    notices(communities: $communities, after: $after) { id type community { code } notice { ${NOTICE_FIELDS} } }
  }
`;

export type CompoundKind = 'LANE_HOUSES' | 'OLD_PUBLIC_HOUSING' | 'COMMODITY_HOUSING' | 'LONG_TERM_RENTAL' | 'SHOPFRONT_DWELLINGS' | 'OTHER';
export const COMPOUND_KINDS: CompoundKind[] = ['LANE_HOUSES', 'OLD_PUBLIC_HOUSING', 'COMMODITY_HOUSING', 'LONG_TERM_RENTAL', 'SHOPFRONT_DWELLINGS', 'OTHER'];
export type CareKind = 'MEDICINE_PICKUP' | 'MEDICAL_TRIP' | 'URGENT_HELP';
export const CARE_KINDS: CareKind[] = ['MEDICINE_PICKUP', 'MEDICAL_TRIP', 'URGENT_HELP'];
export type Urgency = 'EMERGENCY' | 'TODAY' | 'SCHEDULED';
export const URGENCIES: Urgency[] = ['EMERGENCY', 'TODAY', 'SCHEDULED'];
export type Tenure = 'OWNER' | 'TENANT' | 'OTHER';

export interface Notice {
  id: string;
  title: string;
  category: string;
  publishedAt: string;
  verified: boolean;
  verification: { message: string; messageZh: string };
}

export interface Compound {
  id: string;
  name: string;
  kind: CompoundKind;
  lat: number;
  lng: number;
  householdCount: number;
}

export interface ZoneFigures {
  zone: string;
  open: { kind: CareKind; urgency: Urgency; count: number }[];
  medianMinutesToAccept: number | null;
  medianMinutesToDone: number | null;
  volunteersAvailableNow: number;
  borrowedIn: number;
  lentOut: number;
}

export interface HouseholdNotReached {
  householdId: string;
  address?: string;
  building?: string;
  tenure?: Tenure;
  compound?: { id: string };
  lastReachedAt?: string | null;
}

export interface CommunityData {
  code: string;
  name: string;
  nameEn: string | null;
  status: 'ACTIVE' | 'DEGRADED' | 'UNVERIFIED' | 'UNAVAILABLE' | 'REFUSED' | 'SUSPENDED';
  statusDetail: string | null;
  compounds: Compound[] | null;
  lowStock: { id: string; name: string; unit: string; lowStockThreshold: number; stock: { available: number }; shop: { name: string } }[] | null;
  careQueue: { id: string; kind: CareKind; urgency: Urgency; status: string; zone: string | null; area: string; waitedMinutes: number }[] | null;
  careFigures: { takenAt: string; days: number; medianMinutesToAccept: number | null; medianMinutesToDone: number | null; zones: ZoneFigures[] } | null;
  coverage: {
    takenAt: string;
    days: number;
    counts: { households: number; reached: number; notReached: number };
    kinds: { kind: CompoundKind; compounds: number; compoundsWithoutGroup: number }[];
    compoundsWithoutGroup: { compound: { id: string } }[];
    kindsNeverSurveyed: CompoundKind[];
    householdsNotReached: HouseholdNotReached[];
  } | null;
  notices: Notice[] | null;
  questions: { id: string; text: string; askedFrom: string; waitedMinutes: number; askedCount: number }[] | null;
  groups: { id: string; name: string; compound: { id: string } }[] | null;
  orderOutcomes: { day: string; formed: number; failed: number }[] | null;
  unmetSearches: { term: string; count: number; lastSearchedAt: string }[] | null;
}

export interface Pool {
  id: string;
  status: string;
  deadline: string;
  packSize: number;
  minimumPacks: number;
  community: { code: string };
  product: { name: string; unit: string };
  shop: { name: string };
  progress: { totalQuantity: number; packsMissing: number; unitsToNextPack: number; wouldForm: boolean };
}

export interface ConsoleAnswer {
  communities?: (CommunityData | null)[] | null;
  community?: CommunityData | null;
  openPools?: Pool[] | null;
}
