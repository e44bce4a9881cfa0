/**
 * Addresses and phone numbers never reach a log line. Two nets:
 * - fields: pino's `redact` censors every field named like one of PERSONAL_FIELDS, at any of the first four
 *   levels of a logged object (variables.input.contactPhone, place.address, ...);
 * - text: messages and error texts are censored too, since GraphQL puts a variable's whole value into a coercion
 *   error (`Variable "$i" got invalid value { contactPhone: "139..." }`) and drivers quote values.
 */

/** The domain's field names that carry an address or a phone number (schema/sdl, entities, SQL columns). */
export const PERSONAL_FIELDS = [
  'address',
  'addresses',
  'addressLabel',
  'leaderAddress',
  'compoundAddress',
  'placeAddress',
  'place_address',
  'place_address_label',
  'contactPhone',
  'contact_phone',
  'phone',
  'phoneNumber',
  'mobile',
] as const;

export const REDACTED = '[REDACTED]';

/** pino `redact` paths: each field at the top level and nested up to three levels deep (arrays included). */
export const REDACT_PATHS: string[] = PERSONAL_FIELDS.flatMap((field) => [field, `*.${field}`, `*.*.${field}`, `*.*.*.${field}`]);

/** `key: value` pairs whose key names an address or a phone, in JSON, JS-inspect or `key=value` form. */
const PERSONAL_PAIR = /(["']?\b\w*(?:address|phone|mobile)\w*["']?\s*[:=]\s*)("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[^\s,;)}\]]+)/gi;
/** Mainland mobile numbers (with or without +86, spaced or dashed) and landlines with an area code. */
const PHONE_NUMBER = /(?<![\d.])(?:(?:\+|00)?86[-\s]?)?1[3-9]\d(?:[-\s]?\d{4}){2}(?!\d)|(?<![\d.])0\d{2,3}-\d{7,8}(?!\d)/g;

/** The text with every address or phone value it quotes, and every phone number in it, censored. */
export function censorText(text: string): string {
  return text.replace(PERSONAL_PAIR, (_m, key: string) => `${key}"${REDACTED}"`).replace(PHONE_NUMBER, REDACTED);
}
