// Light imports only: `npm run token` must not load GraphQL, the ORM and every subgraph to sign one token (the
// gateway's issuers module loads the kit's index, so not even that).
import { DEMO_RELATIONS, demoSubject, type DemoRelation } from './demo-people';

/**
 * Seconds of clock difference the hub tolerates on a token's time claims: the gateway's
 * TOKEN_CLOCK_ALLOWANCE_SECONDS (auth/issuers.ts), repeated here so that the CLI need not load the gateway. A test
 * (ops/src/__tests__/token.test.ts) holds the two together and checks the hub really applies it.
 */
export const TOKEN_CLOCK_ALLOWANCE_SECONDS = 30;

export interface TokenRequest {
  /** The person the token is for (the demo identity provider's subject). */
  sub: string;
  hours: number;
}

const RELATIONS = Object.keys(DEMO_RELATIONS) as DemoRelation[];

export const TOKEN_HELP = [
  'usage: npm run token -- --as <relation> [<id>] [--hours <h>]',
  '       npm run token -- --sub <subject> [--hours <h>]',
  '',
  'Mints a bearer token from the demo identity provider (.lilong/keys/demo-idp.json), which the embedded hub trusts.',
  'A token says only who the person is; what they may do comes from each community\'s records, which the demo seeds.',
  '用演示身份提供方签发令牌。令牌只说明“是谁”，能做什么由各社区的登记记录决定（演示数据已登记）。',
  '',
  'Seeded people 演示人员 (--as):',
  ...RELATIONS.map((r) => `  ${r.padEnd(16)} ${(DEMO_RELATIONS[r].names ? `<${DEMO_RELATIONS[r].names === 'community' ? 'community code' : `${DEMO_RELATIONS[r].names} ID`}>` : '').padEnd(18)} ${DEMO_RELATIONS[r].holds}`),
  '',
  '--sub    any subject: a person the communities have no records of (grant them roles with grantMembership).',
  '         任意主体：社区尚无其登记记录的人（可用 grantMembership 登记身份）。',
  '--hours  lifetime in hours, up to 720. Default 12. 有效时长（小时），默认 12。',
  '',
  `Validity 有效期: from now until now + hours. The hub allows ${TOKEN_CLOCK_ALLOWANCE_SECONDS} s of clock difference either way:`,
  `a token is still accepted up to ${TOKEN_CLOCK_ALLOWANCE_SECONDS} s after it expires, and one stamped up to ${TOKEN_CLOCK_ALLOWANCE_SECONDS} s in the future.`,
  `枢纽容许 ${TOKEN_CLOCK_ALLOWANCE_SECONDS} 秒的时钟误差：过期后 ${TOKEN_CLOCK_ALLOWANCE_SECONDS} 秒内仍可用，签发时间比枢纽时钟超前不超过 ${TOKEN_CLOCK_ALLOWANCE_SECONDS} 秒也可用。`,
  '',
  'examples 示例: npm run token -- --as leader-of fahua:Group:1',
  '               npm run token -- --as resident-of fahua:Household:3',
  '               npm run token -- --as committee-of xinhua-1',
].join('\n');

const ID_PATTERN = /^[a-z][a-z0-9-]{1,31}:[A-Za-z]+:\d+$/;
const CODE_PATTERN = /^[a-z][a-z0-9-]{1,31}$/;

/** `--as leader-of fahua:Group:1 --hours 8`, or `--sub someone`. Throws a message naming what is wrong. */
export function parseTokenArgs(args: string[]): TokenRequest {
  let sub: string | undefined;
  let hours = 12;
  for (let i = 0; i < args.length; i += 1) {
    const flag = args[i]!;
    if (flag === '--as') {
      const relation = args[i + 1] as DemoRelation | undefined;
      if (!relation || !RELATIONS.includes(relation)) throw new Error(`--as needs one of: ${RELATIONS.join(', ')}`);
      const names = DEMO_RELATIONS[relation].names;
      if (names === null) {
        sub = demoSubject(relation);
        i += 1;
        continue;
      }
      const what = args[i + 2];
      if (!what) throw new Error(`--as ${relation} needs ${names === 'community' ? 'a community code' : `a ${names} ID`}, e.g. ${names === 'community' ? 'fahua' : `fahua:${names}:1`}`);
      if (names === 'community' ? !CODE_PATTERN.test(what) : !ID_PATTERN.test(what) || what.split(':')[1] !== names) {
        throw new Error(`--as ${relation}: "${what}" is not ${names === 'community' ? 'a community code' : `a ${names} ID like fahua:${names}:1`}`);
      }
      sub = demoSubject(relation, what);
      i += 2;
    } else if (flag === '--sub') {
      const value = args[i + 1];
      if (value === undefined || value.trim() === '') throw new Error('--sub must not be empty');
      sub = value;
      i += 1;
    } else if (flag === '--hours') {
      hours = Number(args[i + 1]);
      if (!(hours > 0 && hours <= 24 * 30)) throw new Error('--hours must be between 0 and 720');
      i += 1;
    } else {
      throw new Error(`unknown argument "${flag}"`);
    }
  }
  if (!sub) throw new Error('give --as <relation> <id> or --sub <subject>');
  return { sub, hours };
}
