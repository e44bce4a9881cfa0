import { createHash, randomInt } from 'node:crypto';
import {
  actorOf,
  badInput,
  forbidden,
  globalIdOf,
  idempotent,
  isCommitteeOf,
  isDispatcherOf,
  localIdOf,
  notFound,
  parseIdentity,
  requireSignedIn,
  requireText,
  rolesOf,
  type Claims,
  type Identity,
} from '@lilong/kit';
import { lilongError, parseGlobalId } from '@lilong/schema';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Group } from '../group/group.entity';
import { Household } from '../household/household.entity';
import type { GroupsContext } from '../loaders';
import { Delegation, DelegationScopeEnum } from './delegation.entity';
import { HouseholdCode } from './household-code.entity';
import type {
  ClaimHouseholdInput,
  GrantDelegationInput,
  GrantMembershipInput,
  IssueHouseholdCodeInput,
  PersonInput,
  RevokeDelegationInput,
  RevokeMembershipInput,
} from './membership.inputs';
import { Membership, MembershipKind } from './membership.entity';

/** How long a household code printed on a door notice stays valid. */
export const HOUSEHOLD_CODE_DAYS = 30;
/** Longest delegation the committee may record at once; it renews it after. */
export const MAX_DELEGATION_DAYS = 366;
/** Letters and digits that cannot be misread on paper (no 0/O, 1/I/L). */
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const CODE_LENGTH = 8;

/** What each kind of membership names, and the input field it comes from. */
const TARGET_OF: Record<MembershipKind, 'householdId' | 'groupId' | 'shopId' | 'volunteerId' | null> = {
  [MembershipKind.RESIDENT]: 'householdId',
  [MembershipKind.LEADER]: 'groupId',
  [MembershipKind.DEPUTY]: 'groupId',
  [MembershipKind.MERCHANT]: 'shopId',
  [MembershipKind.VOLUNTEER]: 'volunteerId',
  [MembershipKind.DISPATCHER]: null,
  [MembershipKind.INFO_OFFICER]: null,
  [MembershipKind.COMMITTEE]: null,
};

const TARGET_TYPE = { householdId: 'Household', groupId: 'Group', shopId: 'Shop', volunteerId: 'Volunteer' } as const;

export function personOf(input: PersonInput, argument: string): Identity {
  const issuer = requireText(input.issuer, `${argument}.issuer`, 300);
  const subject = requireText(input.subject, `${argument}.subject`, 300);
  const identity = parseIdentity(issuer, subject);
  if (!identity) throw badInput(`${argument}.issuer`, 'must not contain "#".', '不能包含 "#"。');
  return identity;
}

/** The groups the caller leads (not deputises) in this community, as local IDs. */
function ledGroups(claims: Claims, community: string): Set<number> {
  return new Set(
    rolesOf(claims, 'leader')
      .filter((r) => !r.deputy)
      .map((r) => parseGlobalId(r.group))
      .filter((id) => id.community === community)
      .map((id) => Number(id.localId)),
  );
}

/**
 * Who may grant what: committee staff any membership of their community; a group's leader the group's deputies;
 * a dispatcher the link between a person and a volunteer record.
 */
function requireMayGrant(ctx: GroupsContext, kind: MembershipKind, groupLocalId: number | undefined): void {
  requireSignedIn(ctx.claims);
  if (isCommitteeOf(ctx.claims, ctx.community)) return;
  if (kind === MembershipKind.DEPUTY && groupLocalId !== undefined && ledGroups(ctx.claims, ctx.community).has(groupLocalId)) return;
  if (kind === MembershipKind.VOLUNTEER && isDispatcherOf(ctx.claims, ctx.community)) return;
  throw forbidden(
    "memberships are granted by the community's committee staff (a group's leader appoints its deputies; a dispatcher links volunteers)",
    '身份由本社区居委会登记（团长可任命本群副团长，调度员可登记志愿者）',
  );
}

/** Grants a membership, or returns the same person's active one of the same kind and target. */
export async function grantMembership(ctx: GroupsContext, input: GrantMembershipInput): Promise<Membership> {
  if (input.community !== ctx.community) throw badInput('input.community', `is not this community (${ctx.community}).`, `不是本社区（${ctx.community}）。`);
  const person = personOf(input.person, 'input.person');
  const field = TARGET_OF[input.kind];
  for (const other of ['householdId', 'groupId', 'shopId', 'volunteerId'] as const) {
    if (other !== field && input[other] != null) throw badInput(`input.${other}`, `is not used for ${input.kind}.`, `${input.kind} 不需要此项。`);
  }
  const targetId = field ? localIdOf(ctx.community, input[field], TARGET_TYPE[field], `input.${field}`) : undefined;
  if (field && input[field] == null) throw badInput(`input.${field}`, `is required for ${input.kind}.`, `${input.kind} 须填写此项。`);
  requireMayGrant(ctx, input.kind, field === 'groupId' ? targetId : undefined);
  const note = input.note == null ? null : requireText(input.note, 'input.note', 200);
  return idempotent(ctx, input.idempotencyKey, 'grantMembership', input, Membership, async (em) =>
    recordMembership(em, ctx.community, person, input.kind, field, targetId, ctx.claims.actor, note),
  );
}

/**
 * Writes a membership (the one rule for it: the API, createGroup and the demo seed all come here). The target must
 * exist where this domain keeps it (households, groups); shops and volunteers live in other domains of the node and
 * are checked there when used.
 */
export async function recordMembership(
  em: EntityManager,
  community: string,
  person: Identity,
  kind: MembershipKind,
  field: 'householdId' | 'groupId' | 'shopId' | 'volunteerId' | null,
  targetId: number | undefined,
  grantedBy: string,
  note: string | null = null,
  now = new Date(),
): Promise<Membership> {
  const target: Partial<Pick<Membership, 'household' | 'group' | 'targetId'>> = {};
  if (field === 'householdId') {
    const household = await em.findOne(Household, { localId: targetId! });
    if (!household) throw notFound('Household', globalIdOf(community, 'Household', targetId!));
    target.household = household;
  } else if (field === 'groupId') {
    const group = await em.findOne(Group, { localId: targetId! });
    if (!group) throw notFound('Group', globalIdOf(community, 'Group', targetId!));
    target.group = group;
  } else if (field) {
    target.targetId = targetId!;
  }
  const existing = await em.findOne(Membership, {
    personIssuer: person.issuer,
    personSubject: person.subject,
    kind,
    household: target.household ?? null,
    group: target.group ?? null,
    targetId: target.targetId ?? null,
    revokedAt: null,
  });
  if (existing) return existing;
  return em.create(Membership, { personIssuer: person.issuer, personSubject: person.subject, kind, ...target, note, grantedBy, grantedAt: now });
}

export async function revokeMembership(ctx: GroupsContext, input: RevokeMembershipInput, now = new Date()): Promise<Membership> {
  requireSignedIn(ctx.claims);
  const localId = localIdOf(ctx.community, input.membershipId, 'Membership', 'input.membershipId');
  return idempotent(ctx, input.idempotencyKey, 'revokeMembership', input, Membership, async (em) => {
    const membership = await em.findOne(Membership, { localId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!membership) throw notFound('Membership', input.membershipId);
    const own = ctx.claims.identity !== null && membership.personIssuer === ctx.claims.identity.issuer && membership.personSubject === ctx.claims.identity.subject;
    const leaderOfGroup = membership.kind === MembershipKind.DEPUTY && membership.group !== null && ledGroups(ctx.claims, ctx.community).has(membership.group.localId);
    if (!own && !leaderOfGroup && !isCommitteeOf(ctx.claims, ctx.community)) {
      throw forbidden('a membership is revoked by the committee, by the person themself, or (a deputy) by the group’s leader', '身份只能由居委会、本人或（副团长）由团长撤销');
    }
    if (membership.revokedAt === null) {
      membership.revokedAt = now;
      membership.revokedBy = ctx.claims.actor;
    }
    return membership;
  });
}

/** The one-time code as people type it: upper case, without spaces and dashes. */
export function normaliseCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, '');
}

const hashCode = (code: string) => createHash('sha256').update(normaliseCode(code)).digest('hex');

export interface IssuedCode {
  household: Household;
  code: string;
  expiresAt: Date;
}

/**
 * A new one-time code for a household (committee staff), shown once: only its hash is kept. Earlier unused codes
 * of the household stop working, so only the latest printed notice does.
 */
export async function issueHouseholdCode(ctx: GroupsContext, input: IssueHouseholdCodeInput, now = new Date()): Promise<IssuedCode> {
  requireSignedIn(ctx.claims);
  const localId = localIdOf(ctx.community, input.householdId, 'Household', 'input.householdId');
  if (!isCommitteeOf(ctx.claims, ctx.community)) throw forbidden("household codes are issued by the community's committee", '住户认领码只能由本社区居委会发放');
  return ctx.em.transactional(async (t) => {
    const em = t as EntityManager;
    const household = await em.findOne(Household, { localId });
    if (!household) throw notFound('Household', input.householdId);
    await em.nativeUpdate(HouseholdCode, { household, usedAt: null, expiresAt: { $gt: now } }, { expiresAt: now });
    const raw = Array.from({ length: CODE_LENGTH }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join('');
    const code = `${raw.slice(0, 4)}-${raw.slice(4)}`;
    const expiresAt = new Date(now.getTime() + HOUSEHOLD_CODE_DAYS * 86_400_000);
    em.create(HouseholdCode, { household, codeHash: hashCode(code), issuedBy: ctx.claims.actor, createdAt: now, expiresAt });
    return { household, code, expiresAt };
  });
}

/** A person links themself to a household with its one-time code (地址实名): a RESIDENT membership. */
export async function claimHousehold(ctx: GroupsContext, input: ClaimHouseholdInput, now = new Date()): Promise<Membership> {
  requireSignedIn(ctx.claims);
  if (input.community !== ctx.community) throw badInput('input.community', `is not this community (${ctx.community}).`, `不是本社区（${ctx.community}）。`);
  const normalised = normaliseCode(input.code);
  if (normalised.length !== CODE_LENGTH) throw badInput('input.code', `must be ${CODE_LENGTH} letters and digits.`, `须为 ${CODE_LENGTH} 位字母和数字。`);
  const identity = ctx.claims.identity!;
  return ctx.em.transactional(async (t) => {
    const em = t as EntityManager;
    const found = await em.findOne(HouseholdCode, { codeHash: hashCode(normalised) }, { populate: ['household'], lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!found || found.usedAt !== null || found.expiresAt <= now) {
      throw lilongError(
        'BAD_USER_INPUT',
        { en: 'input.code: this code is unknown, already used or expired; ask the committee for a new one.', zh: 'input.code：认领码无效、已被使用或已过期，请向居委会重新领取。' },
        { argument: 'input.code' },
      );
    }
    found.usedAt = now;
    found.usedBy = actorOf(identity);
    return recordMembership(em, ctx.community, identity, MembershipKind.RESIDENT, 'householdId', found.household.localId, `code:${actorOf(identity)}`, 'claimed with a household code', now);
  });
}

const SCOPES = new Set(Object.values(DelegationScopeEnum));

/** Committee staff record that a helper may act for a household (代办), with its consent, scopes and period. */
export async function grantDelegation(ctx: GroupsContext, input: GrantDelegationInput, now = new Date()): Promise<Delegation> {
  requireSignedIn(ctx.claims);
  const householdId = localIdOf(ctx.community, input.householdId, 'Household', 'input.householdId');
  if (!isCommitteeOf(ctx.claims, ctx.community)) throw forbidden("delegations are recorded by the community's committee", '代办授权只能由本社区居委会登记');
  const helper = personOf(input.helper, 'input.helper');
  if (input.scopes.length === 0 || input.scopes.some((s) => !SCOPES.has(s)) || new Set(input.scopes).size !== input.scopes.length) {
    throw badInput('input.scopes', 'must name at least one scope, each once.', '须至少选择一项，且不能重复。');
  }
  const consent = requireText(input.consent, 'input.consent', 200);
  const validFrom = input.validFrom ?? now;
  const validUntil = input.validUntil;
  if (!(validUntil > validFrom)) throw badInput('input.validUntil', 'must be after validFrom.', '须晚于开始时间。');
  if (validUntil.getTime() - validFrom.getTime() > MAX_DELEGATION_DAYS * 86_400_000) {
    throw badInput('input.validUntil', `must be at most ${MAX_DELEGATION_DAYS} days after validFrom.`, `距开始时间不能超过 ${MAX_DELEGATION_DAYS} 天。`);
  }
  return idempotent(ctx, input.idempotencyKey, 'grantDelegation', input, Delegation, async (em) =>
    recordDelegation(em, ctx.community, householdId, helper, [...input.scopes], consent, validFrom, validUntil, ctx.claims.actor, now),
  );
}

/** Writes a delegation (the API and the demo seed both come here); the household must exist. */
export async function recordDelegation(
  em: EntityManager,
  community: string,
  householdLocalId: number,
  helper: Identity,
  scopes: DelegationScopeEnum[],
  consent: string,
  validFrom: Date,
  validUntil: Date,
  grantedBy: string,
  now = new Date(),
): Promise<Delegation> {
  const household = await em.findOne(Household, { localId: householdLocalId });
  if (!household) throw notFound('Household', globalIdOf(community, 'Household', householdLocalId));
  return em.create(Delegation, { household, helperIssuer: helper.issuer, helperSubject: helper.subject, scopes, consent, validFrom, validUntil, grantedBy, grantedAt: now });
}

/** Stops a delegation at once: by the committee, or by a resident of the household (who consented to it). */
export async function revokeDelegation(ctx: GroupsContext, input: RevokeDelegationInput, now = new Date()): Promise<Delegation> {
  requireSignedIn(ctx.claims);
  const localId = localIdOf(ctx.community, input.delegationId, 'Delegation', 'input.delegationId');
  return idempotent(ctx, input.idempotencyKey, 'revokeDelegation', input, Delegation, async (em) => {
    const delegation = await em.findOne(Delegation, { localId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!delegation) throw notFound('Delegation', input.delegationId);
    const householdId = globalIdOf(ctx.community, 'Household', delegation.household.localId);
    const ofHousehold = rolesOf(ctx.claims, 'resident').some((r) => r.household === householdId);
    if (!ofHousehold && !isCommitteeOf(ctx.claims, ctx.community)) {
      throw forbidden('a delegation is revoked by the committee or by the household itself', '代办授权只能由居委会或本户撤销');
    }
    if (delegation.revokedAt === null) {
      delegation.revokedAt = now;
      delegation.revokedBy = ctx.claims.actor;
    }
    return delegation;
  });
}
