import { ROLE_NAMES, type Role } from '@lilong/kit';

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

export interface TokenRequest {
  roles: Role[];
  sub: string;
  hours: number;
}

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
    } else if (name === 'sub') sub = value;
    else if (name === 'hours') {
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
  return { roles: roles as Role[], sub: sub ?? `demo-${roles.map((r) => r.role).join('-')}`, hours };
}
