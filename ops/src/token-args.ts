// The claims module alone, not the kit's index: see keys.ts.
import { ROLE_NAMES, type Role } from '@lilong/kit/src/auth/claims';

/** What each role needs, as `--flag value` after `--role <name>`. */
const ROLE_FIELDS: Record<Role['role'], string[]> = {
  resident: ['household', 'compound', 'building', 'address'],
  leader: ['group', 'household', 'compound'],
  merchant: ['shop'],
  volunteer: ['volunteer'],
  dispatcher: ['community'],
  info_officer: ['community'],
  committee: ['community'],
  subdistrict: [],
  partner: ['app'],
};

/**
 * The fields of a role that say who the person is; the others follow from them (a household's compound and
 * address, a group's compound). Two co-leaders of one group are two people: their households differ.
 */
const IDENTITY_FIELDS: Record<Role['role'], string[]> = {
  resident: ['household'],
  leader: ['group', 'household'],
  merchant: ['shop'],
  volunteer: ['volunteer'],
  dispatcher: ['community'],
  info_officer: ['community'],
  committee: ['community'],
  subdistrict: [],
  partner: ['app'],
};

/**
 * Seconds of clock difference the hub tolerates when it checks a token's `iat` and `exp`: the default of the
 * kit's `verifyJwt` (`clockSkewSeconds`), which the hub uses. A test holds the two together.
 */
export const TOKEN_CLOCK_ALLOWANCE_SECONDS = 30;

export interface TokenRequest {
  roles: Role[];
  sub: string;
  hours: number;
}

/**
 * The subject of a demo identity when `--sub` is not given: the roles with the IDs that name the person, e.g.
 * `demo:leader:fahua:Group:1:fahua:Household:1`, several roles sorted and joined with `+`. Each demo identity
 * is thus its own person in audit trails and idempotency keys, and the same person in every run.
 */
export function demoSubject(roles: readonly Role[]): string {
  const parts = roles.map((role) => {
    const fields = role as unknown as Record<string, string>;
    return [role.role, ...IDENTITY_FIELDS[role.role].map((f) => fields[f])].join(':');
  });
  return `demo:${[...new Set(parts)].sort().join('+')}`;
}

export const TOKEN_HELP = [
  'usage: npm run token -- --role <role> [--<field> <value> ...] [--role ...] [--sub <subject>] [--hours <h>]',
  '',
  'Mints a bearer token signed by the demo identity provider (.lilong/keys/demo-idp.pem), which the embedded hub trusts.',
  '用演示身份提供方的密钥签发令牌（嵌入式枢纽信任该密钥）。',
  '',
  'Roles and the fields each needs 角色及所需参数:',
  ...Object.entries(ROLE_FIELDS).map(([role, fields]) => `  ${role.padEnd(13)} ${fields.map((f) => `--${f}`).join(' ') || '(none 无)'}`),
  '',
  '--sub    who the person is. Default: derived from the roles and their IDs, e.g. demo:merchant:xinhua-1:Shop:1,',
  '         so each demo identity is its own person, the same in every run. 默认由角色及其编号生成，同一身份每次相同。',
  '--hours  lifetime in hours, up to 720. Default 12. 有效时长（小时），默认 12。',
  '',
  `Validity 有效期: from now until now + hours. The hub allows ${TOKEN_CLOCK_ALLOWANCE_SECONDS} s of clock difference either way:`,
  `a token is still accepted up to ${TOKEN_CLOCK_ALLOWANCE_SECONDS} s after it expires, and one stamped up to ${TOKEN_CLOCK_ALLOWANCE_SECONDS} s in the future.`,
  `枢纽容许 ${TOKEN_CLOCK_ALLOWANCE_SECONDS} 秒的时钟误差：过期后 ${TOKEN_CLOCK_ALLOWANCE_SECONDS} 秒内仍可用，签发时间比枢纽时钟超前不超过 ${TOKEN_CLOCK_ALLOWANCE_SECONDS} 秒也可用。`,
  '',
  'example 示例: npm run token -- --role leader --group fahua:Group:1 --household fahua:Household:1 --compound fahua:Compound:1',
].join('\n');

/**
 * `--role committee --community xinhua-1 --role merchant --shop xinhua-1:Shop:2 --sub someone --hours 8`.
 * Throws a message naming what is missing or unknown.
 */
export function parseTokenArgs(args: string[]): TokenRequest {
  const roles: Record<string, string>[] = [];
  let sub: string | undefined;
  let hours = 12;
  for (let i = 0; i < args.length; i += 2) {
    const flag = args[i]!;
    const value = args[i + 1];
    if (!flag.startsWith('--') || value === undefined) throw new Error(`expected "--flag value", got "${flag}"`);
    const name = flag.slice(2);
    if (name === 'role') {
      if (!(ROLE_NAMES as readonly string[]).includes(value)) throw new Error(`unknown role "${value}"; one of ${ROLE_NAMES.join(', ')}`);
      roles.push({ role: value });
    } else if (name === 'sub') {
      if (value.trim() === '') throw new Error('--sub must not be empty');
      sub = value;
    } else if (name === 'hours') {
      hours = Number(value);
      if (!(hours > 0 && hours <= 24 * 30)) throw new Error('--hours must be between 0 and 720');
    } else {
      const current = roles[roles.length - 1];
      if (!current) throw new Error(`--${name} must follow a --role`);
      current[name] = value;
    }
  }
  if (roles.length === 0) throw new Error('give at least one --role');
  for (const role of roles) {
    const name = role.role as Role['role'];
    for (const field of ROLE_FIELDS[name]) if (!role[field]) throw new Error(`role ${name} needs --${field}`);
    for (const field of Object.keys(role)) {
      if (field !== 'role' && !ROLE_FIELDS[name].includes(field)) throw new Error(`role ${name} takes no --${field}`);
    }
  }
  return { roles: roles as Role[], sub: sub ?? demoSubject(roles as Role[]), hours };
}
