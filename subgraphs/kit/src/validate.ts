import { lilongError } from '@lilong/schema';

function badInput(argument: string, en: string, zh: string) {
  return lilongError('BAD_USER_INPUT', { en: `${argument}: ${en}`, zh: `${argument}：${zh}` }, { argument });
}

/** Trimmed text of 1..max characters, or a BAD_USER_INPUT error naming the argument. */
export function requireText(value: string, argument: string, max = 200, { allowEmpty = false } = {}): string {
  const text = value.trim();
  if (!allowEmpty && text.length === 0) throw badInput(argument, 'must not be empty.', '不能为空。');
  if (text.length > max) throw badInput(argument, `must be at most ${max} characters.`, `不能超过 ${max} 个字符。`);
  return text;
}

/** An integer in [min, max], or a BAD_USER_INPUT error naming the argument. */
export function requireInt(value: number, argument: string, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw badInput(argument, `must be a whole number from ${min} to ${max}, got ${value}.`, `必须是 ${min} 到 ${max} 之间的整数，收到 ${value}。`);
  }
  return value;
}

export function requireLatLng(lat: number, lng: number): void {
  if (!Number.isFinite(lat) || lat < -90 || lat > 90) throw badInput('lat', 'must be between -90 and 90.', '必须在 -90 到 90 之间。');
  if (!Number.isFinite(lng) || lng < -180 || lng > 180) throw badInput('lng', 'must be between -180 and 180.', '必须在 -180 到 180 之间。');
}

export { badInput };
