import { actorOf, type Caller, type Role } from '@lilong/kit';
import type { Directory } from '../directory/directory';
import type { CommunityLinks } from './community-links';

/**
 * Which communities have records of a person, remembered for a short while, so that a signed-in request asks only
 * those communities' nodes for the caller's roles (usually one) instead of every community's. The roles themselves
 * are always read afresh from those nodes: a revocation holds from the next request. What is remembered is only
 * where to ask; a community that newly records the person is found when the entry expires (`ttlMs`), or at once
 * when a mutation that changes memberships passes through this hub (`forgetAll`).
 */
export class HomeCommunities {
  private readonly entries = new Map<string, { communities: string[]; expires: number }>();

  constructor(
    private readonly ttlMs = HOME_COMMUNITIES_TTL_MS,
    private readonly capacity = HOME_COMMUNITIES_CAPACITY,
  ) {}

  /** The communities with records of this actor, if known and fresh. */
  get(actor: string, now = Date.now()): string[] | undefined {
    const entry = this.entries.get(actor);
    if (!entry) return undefined;
    if (entry.expires <= now) {
      this.entries.delete(actor);
      return undefined;
    }
    return entry.communities;
  }

  set(actor: string, communities: string[], now = Date.now()): void {
    this.entries.delete(actor);
    // Oldest first: beyond the capacity, the entry set longest ago goes.
    while (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(actor, { communities, expires: now + this.ttlMs });
  }

  forgetAll(): void {
    this.entries.clear();
  }
}

/**
 * One request's view of the caller's roles in other communities, for the nodes it sends to: each node is told what
 * the caller is everywhere but there (it reads its own records itself). When the hub does not know where the caller
 * has records, it asks every active community at once (a census, started as soon as the request arrives); when it
 * does, it asks only those communities, and only when a node other than theirs needs them. Each community is asked
 * at most once per request.
 */
export class RolesElsewhere {
  private readonly actor: string;
  private readonly known: string[] | undefined;
  private census?: Promise<Map<string, Role[] | undefined>>;
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
  }

  /**
   * The caller's roles in every community but `target`, and the communities known to have records of the caller
   * (undefined when a community did not answer the census): `target`'s node reads its own only if it is among them.
   */
  async except(target: string): Promise<{ roles: Role[]; homes?: string[] }> {
    if (this.census) {
      const answers = await this.census;
      const roles = [...answers].filter(([code]) => code !== target).flatMap(([, r]) => r ?? []);
      const complete = [...answers.values()].every((r) => r !== undefined);
      return { roles, ...(complete ? { homes: [...answers].filter(([, r]) => r!.length > 0).map(([code]) => code) } : {}) };
    }
    const answers = await Promise.all(this.known!.filter((code) => code !== target).map((code) => this.ask(code)));
    return { roles: answers.flatMap((r) => r ?? []), homes: this.known };
  }

  private ask(code: string): Promise<Role[] | undefined> {
    let answer = this.asked.get(code);
    if (!answer) this.asked.set(code, (answer = this.links.rolesIn(code, this.caller, this.mutation)));
    return answer;
  }

  private async takeCensus(): Promise<Map<string, Role[] | undefined>> {
    const codes = this.directory.fanoutTargets();
    const answers = new Map(await Promise.all(codes.map(async (code) => [code, await this.ask(code)] as const)));
    // Only a complete census is remembered: a community that did not answer may hold records.
    if ([...answers.values()].every((roles) => roles !== undefined)) {
      this.homes.set(this.actor, [...answers].filter(([, roles]) => roles!.length > 0).map(([code]) => code));
    }
    return answers;
  }
}

/** How long the hub trusts its knowledge of where a person has records, in ms. */
export const HOME_COMMUNITIES_TTL_MS = 60_000;
/** People remembered at most (about 100 bytes each). */
export const HOME_COMMUNITIES_CAPACITY = 50_000;

/** Mutations that can give a person a role in a community: after one, every person's home communities are asked again. */
export const MEMBERSHIP_MUTATIONS: ReadonlySet<string> = new Set(['grantMembership', 'claimHousehold', 'createGroup', 'grantDelegation']);
