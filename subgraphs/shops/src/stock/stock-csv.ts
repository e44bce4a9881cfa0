/**
 * A stock count as a CSV file (what a merchant exports from a spreadsheet after a stocktake) -> the rows to apply.
 *
 * Format (also in the GraphQL description of `importStockCsv`):
 * - UTF-8, comma-separated, RFC 4180 quoting ("" is a quote inside a quoted field; quoted fields may hold commas and
 *   line breaks), optional byte-order mark, CRLF or LF line ends. At most MAX_CSV_BYTES and MAX_STOCK_ROWS rows.
 * - Line 1 is the header. Columns, in any order, names case-insensitive:
 *     product_id        the product's ID, e.g. xinhua-1:Product:12            } at least one of the two; with both,
 *     name              the product's name exactly as in the shop            } product_id decides and name must match
 *     on_hand           required: units now on the shelf, a whole number 0..1,000,000
 *     expected_version  optional: the stock version the count was made against (Stock.version); a row whose product
 *                       changed since is refused (empty: not checked)
 *     reason            optional: why, for the stock history (default: the import's reason)
 * - Blank lines are skipped. Problems name the line as an editor shows it: from 1, the header being line 1; a
 *   record whose quoted field spans lines is named by the line it starts on.
 */
import { tryParseGlobalId } from '@lilong/schema';
import { parseCsv } from './csv';
import { MAX_ON_HAND, MAX_REASON_LENGTH, n, problem, type StockProblem } from './stock.rules';

export const MAX_CSV_BYTES = 1024 * 1024;
export const MAX_STOCK_ROWS = 5000;

const COLUMNS = ['product_id', 'name', 'on_hand', 'expected_version', 'reason'] as const;
type Column = (typeof COLUMNS)[number];

/** How a row names its product: by ID (already parsed to this community's row ID), or by name within the shop. */
export type ProductRef = { localId: number; id: string; name?: string } | { name: string };

export interface StockCsvRow {
  line: number;
  product: ProductRef;
  onHand: number;
  expectedVersion: number | null;
  reason: string | null;
}

export interface LineProblem extends StockProblem {
  line: number;
}

/** Either the file is unusable as a whole (too big, no header...), or its rows and the problems of each bad one. */
export type StockCsvRead = { refused: StockProblem } | { rows: StockCsvRow[]; problems: LineProblem[] };

const bad = (en: string, zh: string) => problem('BAD_USER_INPUT', en, zh);

const columnName = (header: string) => header.trim().toLowerCase().replace(/[\s-]+/g, '_');

/**
 * Reads a stock CSV for a shop of `community`. Checks everything that needs no database: the syntax, the header,
 * each row's shape and numbers, and whether each product ID is one of this community's products.
 */
export function readStockCsv(csv: string, community: string): StockCsvRead {
  const bytes = Buffer.byteLength(csv, 'utf8');
  if (bytes > MAX_CSV_BYTES) {
    return {
      refused: bad(
        `the file is ${n(bytes)} bytes, more than the limit of ${n(MAX_CSV_BYTES)} (1 MB); split it into several imports.`,
        `文件大小为 ${n(bytes)} 字节，超过上限 ${n(MAX_CSV_BYTES)}（1 MB），请拆分为多次导入。`,
      ),
    };
  }
  const { records, errors } = parseCsv(csv);
  const problems: LineProblem[] = errors.map((e) => ({ line: e.line, ...bad(e.en, e.zh) }));
  const blank = (fields: string[]) => fields.every((f) => f.trim() === '');
  const nonBlank = records.filter((r) => !blank(r.fields));
  const [header, ...data] = nonBlank;
  // A syntax error before the first good record means the header itself is broken: nothing else can be read.
  if (problems.some((p) => !header || p.line < header.line)) return { rows: [], problems };
  if (!header) {
    return {
      refused: bad(
        'the first line must be the header, e.g. "product_id,on_hand" or "name,on_hand" (optional columns: expected_version, reason).',
        '第一行必须是表头，例如 "product_id,on_hand" 或 "name,on_hand"（可选列：expected_version、reason）。',
      ),
    };
  }
  const columns = header.fields.map(columnName);
  const headerProblem = checkHeader(columns);
  if (headerProblem) return { rows: [], problems: [{ line: header.line, ...headerProblem }, ...problems] };
  if (data.length > MAX_STOCK_ROWS) {
    return {
      refused: bad(
        `the file has ${n(data.length)} rows, more than the limit of ${n(MAX_STOCK_ROWS)}; split it into several imports.`,
        `文件有 ${n(data.length)} 行数据，超过上限 ${n(MAX_STOCK_ROWS)}，请拆分为多次导入。`,
      ),
    };
  }
  const at = Object.fromEntries(columns.map((c, i) => [c, i])) as Partial<Record<Column, number>>;
  const rows: StockCsvRow[] = [];
  for (const record of data) {
    const read = readRow(record.fields, columns, at, community);
    if ('problem' in read) problems.push({ line: record.line, ...read.problem });
    else rows.push({ line: record.line, ...read.row });
  }
  problems.sort((a, b) => a.line - b.line);
  return { rows, problems };
}

function checkHeader(columns: string[]): StockProblem | undefined {
  const expected = `expected product_id or name, on_hand, and optionally expected_version and reason`;
  const expectedZh = `应有 "product_id"（商品编号）或 "name"（商品名称）列、"on_hand"（在架数量）列，可选 "expected_version"（版本号）和 "reason"（原因）列`;
  const unknown = columns.filter((c) => !(COLUMNS as readonly string[]).includes(c));
  if (unknown.length > 0) {
    const list = unknown.map((c) => `"${c}"`).join(', ');
    return bad(`the header has unknown column${unknown.length > 1 ? 's' : ''} ${list}; ${expected}.`, `表头含未知列 ${list}；${expectedZh}。`);
  }
  const twice = columns.find((c, i) => columns.indexOf(c) !== i);
  if (twice) return bad(`the header names the column "${twice}" twice.`, `表头中 "${twice}" 列出现了两次。`);
  if (!columns.includes('on_hand')) return bad(`the header has no "on_hand" column; ${expected}.`, `表头缺少 "on_hand"（在架数量）列；${expectedZh}。`);
  if (!columns.includes('product_id') && !columns.includes('name')) {
    return bad(`the header has neither a "product_id" nor a "name" column; ${expected}.`, `表头既没有 "product_id"（商品编号）列也没有 "name"（商品名称）列；${expectedZh}。`);
  }
  return undefined;
}

/** A whole number written in a cell; full-width digits (typed with a Chinese input method) count as digits. */
function wholeNumber(cell: string): { value: number } | { sign: 'negative' | 'not-whole' } {
  const text = cell.normalize('NFKC').trim();
  if (/^\+?\d+$/.test(text)) return { value: Number(text) };
  if (/^-\s*[\d.]+$/.test(text)) return { sign: 'negative' };
  return { sign: 'not-whole' };
}

function readRow(
  fields: string[],
  columns: string[],
  at: Partial<Record<Column, number>>,
  community: string,
): { row: Omit<StockCsvRow, 'line'> } | { problem: StockProblem } {
  if (fields.length !== columns.length) {
    const header = columns.join(',');
    if (fields.length < columns.length) {
      const missing = columns.slice(fields.length).join(', ');
      return {
        problem: bad(
          `missing column${columns.length - fields.length > 1 ? 's' : ''} ${missing}: the row has ${fields.length} values, the header (${header}) has ${columns.length}.`,
          `缺少 ${missing} 列：此行有 ${fields.length} 个值，表头（${header}）有 ${columns.length} 列。`,
        ),
      };
    }
    return {
      problem: bad(
        `too many columns: the row has ${fields.length} values, the header (${header}) has ${columns.length}; a value containing a comma must be in quotes.`,
        `列数过多：此行有 ${fields.length} 个值，表头（${header}）只有 ${columns.length} 列；含逗号的值须加引号。`,
      ),
    };
  }
  const cell = (c: Column) => (at[c] === undefined ? '' : fields[at[c]!]!);

  const idText = cell('product_id').trim();
  const nameText = cell('name').trim();
  let product: ProductRef;
  if (idText !== '') {
    const parsed = tryParseGlobalId(idText);
    const local = parsed ? Number(parsed.localId) : NaN;
    if (!parsed || parsed.type !== 'Product' || !Number.isSafeInteger(local) || local <= 0) {
      return { problem: bad(`"${idText}" is not a product ID (like "${community}:Product:12").`, `"${idText}" 不是商品编号（形如 "${community}:Product:12"）。`) };
    }
    if (parsed.community !== community) {
      return {
        problem: problem('NOT_FOUND', `${idText} is a product of another community (${parsed.community}), not of this shop.`, `${idText} 是其他社区（${parsed.community}）的商品，不属于本店。`),
      };
    }
    product = { localId: local, id: idText, ...(nameText !== '' ? { name: nameText } : {}) };
  } else if (nameText !== '') {
    product = { name: nameText };
  } else {
    return { problem: bad('the row names no product: product_id and name are both empty.', '此行未指明商品："product_id"（商品编号）和 "name"（商品名称）都为空。') };
  }

  const onHandText = cell('on_hand');
  if (onHandText.trim() === '') return { problem: bad('on_hand is empty.', '"on_hand"（在架数量）为空。') };
  const onHand = wholeNumber(onHandText);
  if ('sign' in onHand) {
    return {
      problem:
        onHand.sign === 'negative'
          ? bad(`on_hand "${onHandText.trim()}" is negative; a count is 0 or more.`, `在架数量 "${onHandText.trim()}" 为负数；数量应不小于 0。`)
          : bad(`on_hand "${onHandText.trim()}" is not a whole number.`, `在架数量 "${onHandText.trim()}" 不是整数。`),
    };
  }
  if (onHand.value > MAX_ON_HAND) {
    return { problem: bad(`on_hand ${n(onHand.value)} is more than the limit of ${n(MAX_ON_HAND)}.`, `在架数量 ${n(onHand.value)} 超过上限 ${n(MAX_ON_HAND)}。`) };
  }

  let expectedVersion: number | null = null;
  const versionText = cell('expected_version').trim();
  if (versionText !== '') {
    const version = wholeNumber(versionText);
    if (!('value' in version) || !Number.isSafeInteger(version.value)) {
      return { problem: bad(`expected_version "${versionText}" is not a whole number 0 or more.`, `版本号 "${versionText}" 不是非负整数。`) };
    }
    expectedVersion = version.value;
  }

  const reason = cell('reason').trim();
  if (reason.length > MAX_REASON_LENGTH) {
    return { problem: bad(`the reason is longer than ${MAX_REASON_LENGTH} characters.`, `原因超过 ${MAX_REASON_LENGTH} 个字符。`) };
  }
  return { row: { product, onHand: onHand.value, expectedVersion, reason: reason === '' ? null : reason } };
}
