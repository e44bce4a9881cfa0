import { actorOf, type Caller, type Role } from '@lilong/kit/src/hub';
import type { Directory } from '../directory/directory';
import type { CommunityLinks } from './community-links';

/** Where a person has records, as far as the hub knows: `unsure` are the communities that did not answer when asked. */
export interface KnownHomes {
  communities: string[];
  unsure: string[];
}

/**
 * Which communities have records of a person, remembered for a short while, so that a signed-in request asks only
 * those communities' nodes for the caller's roles (usually one) instead of every community's. The roles themselves
 * are always read afresh from those nodes: a revocation holds from the next request. What is remembered is only
 * where to ask; a community that newly records the person is found when the entry expires (`ttlMs`), or at once
 * when a mutation that changes memberships passes through this hub (`forgetAll`). A community that did not answer
 * (its node down or slow) is remembered as unsure and asked again by the next request, alone: one node down does
 * not make every request of every person a census of the whole sub-district.
 */
export class HomeCommunities {
  private readonly entries = new Map<string, KnownHomes & { expires: number }>();

  constructor(
    private readonly ttlMs = HOME_COMMUNITIES_TTL_MS,
    private readonly capacity = HOME_COMMUNITIES_CAPACITY,
  ) {}

  /** The communities with records of this actor (and those unsure), if known and fresh. */
  get(actor: string, now = Date.now()): KnownHomes | undefined {
    const entry = this.entries.get(actor);
    if (!entry) return undefined;
    if (entry.expires <= now) {
      this.entries.delete(actor);
      return undefined;
    }
    return { communities: entry.communities, unsure: entry.unsure };
  }

  set(actor: string, communities: string[], unsure: string[] = [], now = Date.now()): void {
    this.entries.delete(actor);
    // Oldest first: beyond the capacity, the entry set longest ago goes.
    while (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(actor, { communities, unsure, expires: now + this.ttlMs });
  }

  /**
   * What the unsure communities answered since: those with records join the homes, those that answered leave the
   * unsure. The entry keeps its expiry, since the other communities' answers are no fresher than they were.
   */
  settle(actor: string, answered: ReadonlyMap<string, boolean>): void {
    const entry = this.entries.get(actor);
    if (!entry) return;
    const joined = [...answered].filter(([code, has]) => has && !entry.communities.includes(code)).map(([code]) => code);
    entry.communities = [...entry.communities, ...joined];
    entry.unsure = entry.unsure.filter((code) => !answered.has(code));
  }

  forgetAll(): void {
    this.entries.clear();
  }
}

/**
 * One request's view of the caller's roles in other communities, for the nodes it sends to: each node is told what
 * the caller is everywhere but there (it reads its own records itself). When the hub does not know where the caller
 * has records, it asks every active community at once (a census, started as soon as the request arrives); when it
 * does, it asks only those communities, and only when a node other than theirs needs them, and at once the
 * communities it is unsure of. Each community is asked at most once per request.
 */
export class RolesElsewhere {
  private readonly actor: string;
  private readonly known: KnownHomes | undefined;
  private census?: Promise<Map<string, Role[] | undefined>>;
  /** The unsure communities' answers, asked as the request arrives. */
  private recount?: Promise<Map<string, Role[] | undefined>>;
  private readonly asked = new Map<string, Promise<Role[] | undefined>>();

  constructor(
    private readonly caller: Caller,
    private readonly mutation: boolean,
    private readonly homes: HomeCommunities,
    private readonly directory: Directory,
    private readonly links: CommunityLinks,
  ) {
    this.actor = actorOf(caller.identity!);
    this.known = homes.get(this.actor);
    if (!this.known) this.census = this.takeCensus();
    else if (this.known.unsure.length > 0) this.recount = this.askUnsure(this.known.unsure);
  }

  /**
   * The caller's roles in every community but `target`, and the communities known to have records of the caller
   * (undefined while a community has not answered): `target`'s node reads its own only if it is among them.
   */
  async except(target: string): Promise<{ roles: Role[]; homes?: string[] }> {
    if (this.census) {
      const answers = await this.census;
      const roles = [...answers].filter(([code]) => code !== target).flatMap(([, r]) => r ?? []);
      const complete = [...answers.values()].every((r) => r !== undefined);
      return { roles, ...(complete ? { homes: withRecords(answers) } : {}) };
    }
    const recounted = this.recount ? await this.recount : new Map<string, Role[] | undefined>();
    const homes = [...new Set([...this.known!.communities, ...withRecords(recounted)])];
    const answers = await Promise.all(homes.filter((code) => code !== target).map((code) => this.ask(code)));
    const complete = [...recounted.values()].every((r) => r !== undefined);
    return { roles: answers.flatMap((r) => r ?? []), ...(complete ? { homes } : {}) };
  }

  private ask(code: string): Promise<Role[] | undefined> {
    let answer = this.asked.get(code);
    if (!answer) this.asked.set(code, (answer = this.links.rolesIn(code, this.caller, this.mutation)));
    return answer;
  }

  private async answersOf(codes: string[]): Promise<Map<string, Role[] | undefined>> {
    return new Map(await Promise.all(codes.map(async (code) => [code, await this.ask(code)] as const)));
  }

  private async takeCensus(): Promise<Map<string, Role[] | undefined>> {
    const answers = await this.answersOf(this.directory.fanoutTargets());
    // Who did not answer may hold records: remembered as unsure, asked again by the next request.
    const unanswered = [...answers].filter(([, roles]) => roles === undefined).map(([code]) => code);
    this.homes.set(this.actor, withRecords(answers), unanswered);
    return answers;
  }

  private async askUnsure(codes: string[]): Promise<Map<string, Role[] | undefined>> {
    // A community since removed or suspended is no longer asked.
    const listed = new Set(this.directory.fanoutTargets());
    const answers = await this.answersOf(codes.filter((code) => listed.has(code)));
    const answered = new Map([...answers].filter(([, roles]) => roles !== undefined).map(([code, roles]) => [code, roles!.length > 0] as const));
    for (const code of codes) if (!listed.has(code)) answered.set(code, false);
    this.homes.settle(this.actor, answered);
    return answers;
  }
}

/** The communities whose answer holds a role. */
function withRecords(answers: ReadonlyMap<string, Role[] | undefined>): string[] {
  return [...answers].filter(([, roles]) => roles !== undefined && roles.length > 0).map(([code]) => code);
}

/** How long the hub trusts its knowledge of where a person has records, in ms. */
export const HOME_COMMUNITIES_TTL_MS = 60_000;
/** People remembered at most (about 100 bytes each). */
export const HOME_COMMUNITIES_CAPACITY = 50_000;

/** Mutations that can give a person a role in a community: after one, every person's home communities are asked again. */
export const MEMBERSHIP_MUTATIONS: ReadonlySet<string> = new Set(['grantMembership', 'claimHousehold', 'createGroup', 'grantDelegation']);
