import { MAX_CSV_BYTES, MAX_STOCK_ROWS, readStockCsv, type StockCsvRead } from '../stock/stock-csv';

const COMMUNITY = 'xinhua-1';

function rowsOf(read: StockCsvRead) {
  if ('refused' in read) throw new Error(`refused: ${read.refused.en}`);
  return read;
}

function refusedOf(read: StockCsvRead) {
  if (!('refused' in read)) throw new Error(`accepted: ${JSON.stringify(read)}`);
  return read.refused;
}

describe('readStockCsv', () => {
  it('reads product_id,on_hand with the optional columns, in any order and any case', () => {
    const read = rowsOf(readStockCsv(
      '\uFEFFReason,ON_HAND,product_id,expected_version\r\n盘点,36,xinhua-1:Product:12,4\r\n,0,xinhua-1:Product:13,\r\n',
      COMMUNITY,
    ));
    expect(read.problems).toEqual([]);
    expect(read.rows).toEqual([
      { line: 2, product: { localId: 12, id: 'xinhua-1:Product:12' }, onHand: 36, expectedVersion: 4, reason: '盘点' },
      { line: 3, product: { localId: 13, id: 'xinhua-1:Product:13' }, onHand: 0, expectedVersion: null, reason: null },
    ]);
  });

  it('identifies products by name, trimmed, with a quoted name holding a comma', () => {
    const read = rowsOf(readStockCsv('name,on_hand\n"菜籽油, 5L",12\n  挂面 1kg ,７\n', COMMUNITY));
    expect(read.problems).toEqual([]);
    expect(read.rows.map((r) => [r.product, r.onHand])).toEqual([
      [{ name: '菜籽油, 5L' }, 12],
      // Full-width digits, as typed with a Chinese input method.
      [{ name: '挂面 1kg' }, 7],
    ]);
  });

  it('keeps the name beside a product_id, to check that they agree', () => {
    const read = rowsOf(readStockCsv('product_id,name,on_hand\nxinhua-1:Product:3,大米,5\n', COMMUNITY));
    expect(read.rows[0]!.product).toEqual({ localId: 3, id: 'xinhua-1:Product:3', name: '大米' });
  });

  it('skips blank lines but keeps counting them', () => {
    const read = rowsOf(readStockCsv('name,on_hand\n\n大米,1\n,\n生抽,2\n\n', COMMUNITY));
    expect(read.rows.map((r) => r.line)).toEqual([3, 5]);
  });

  it('reports every bad row with its line and reason', () => {
    const csv = [
      'product_id,on_hand,expected_version', // 1
      'xinhua-1:Product:1,12.5,', // 2 not whole
      'xinhua-1:Product:2,-3,', // 3 negative
      'xinhua-1:Product:3,abc,', // 4 not a number
      'xinhua-1:Product:4,,', // 5 empty
      'xinhua-1:Product:5,2000000,', // 6 too many
      'xinhua-1:Product:6,1', // 7 missing column
      'xinhua-1:Product:7,1,2,3', // 8 too many columns
      'fahua:Product:8,1,', // 9 another community
      'xinhua-1:Shop:9,1,', // 10 not a product
      'xinhua-1:Product:10,1,v2', // 11 bad version
      ',1,', // 12 no product
      'xinhua-1:Product:11,4,1', // 13 good
      '"xinhua-1:Product:12"x,4,1', // 14 bad quoting
    ].join('\n');
    const read = rowsOf(readStockCsv(csv, COMMUNITY));
    expect(read.rows.map((r) => r.line)).toEqual([13]);
    const byLine = Object.fromEntries(read.problems.map((p) => [p.line, p.en]));
    expect(read.problems.map((p) => p.line)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14]);
    expect(byLine[2]).toBe('on_hand "12.5" is not a whole number.');
    expect(byLine[3]).toContain('negative');
    expect(byLine[4]).toBe('on_hand "abc" is not a whole number.');
    expect(byLine[5]).toBe('on_hand is empty.');
    expect(byLine[6]).toContain('more than the limit of 1,000,000');
    expect(byLine[7]).toContain('missing column expected_version');
    expect(byLine[8]).toContain('too many columns: the row has 4 values, the header (product_id,on_hand,expected_version) has 3');
    expect(byLine[9]).toContain('another community (fahua)');
    expect(read.problems.find((p) => p.line === 9)!.code).toBe('NOT_FOUND');
    expect(byLine[10]).toContain('is not a product ID');
    expect(byLine[11]).toContain('expected_version "v2"');
    expect(byLine[12]).toContain('names no product');
    expect(byLine[14]).toContain('after a closing quote');
    for (const p of read.problems) expect(p.zh.length).toBeGreaterThan(0);
  });

  it('refuses a header with an unknown, doubled or missing column, as a problem of line 1', () => {
    const cases: [string, string][] = [
      ['product_id,onhand\n', 'unknown column "onhand"'],
      ['product_id,on_hand,on_hand\n', '"on_hand" twice'],
      ['product_id,reason\n', 'no "on_hand" column'],
      ['on_hand,reason\n', 'neither a "product_id" nor a "name" column'],
    ];
    for (const [csv, message] of cases) {
      const read = rowsOf(readStockCsv(`${csv}x,1\n`, COMMUNITY));
      expect(read.rows).toEqual([]);
      expect(read.problems).toEqual([expect.objectContaining({ line: 1, code: 'BAD_USER_INPUT', en: expect.stringContaining(message) })]);
    }
  });

  it('refuses an empty file, one too large and one with too many rows', () => {
    expect(refusedOf(readStockCsv('', COMMUNITY)).en).toContain('the first line must be the header');
    expect(refusedOf(readStockCsv('\n\n', COMMUNITY)).en).toContain('the first line must be the header');
    const big = `name,on_hand\n${'x'.repeat(MAX_CSV_BYTES)},1\n`;
    expect(refusedOf(readStockCsv(big, COMMUNITY)).en).toMatch(/more than the limit of 1,048,576 \(1 MB\)/);
    const many = `product_id,on_hand\n${Array.from({ length: MAX_STOCK_ROWS + 1 }, (_, i) => `xinhua-1:Product:${i + 1},1`).join('\n')}`;
    expect(refusedOf(readStockCsv(many, COMMUNITY)).en).toContain('5,001 rows, more than the limit of 5,000');
    const enough = `product_id,on_hand\n${Array.from({ length: MAX_STOCK_ROWS }, (_, i) => `xinhua-1:Product:${i + 1},1`).join('\n')}`;
    expect(rowsOf(readStockCsv(enough, COMMUNITY)).rows).toHaveLength(MAX_STOCK_ROWS);
  });

  it('counts the size in UTF-8 bytes, not characters', () => {
    const chars = Math.ceil(MAX_CSV_BYTES / 3) + 10; // each 米 is 3 bytes
    expect(refusedOf(readStockCsv(`name,on_hand\n${'米'.repeat(chars)},1\n`, COMMUNITY)).en).toContain('more than the limit');
  });

  it('reports a broken header line and nothing else', () => {
    const read = rowsOf(readStockCsv('"product_id,on_hand\nxinhua-1:Product:1,3\n', COMMUNITY));
    expect(read.rows).toEqual([]);
    expect(read.problems.map((p) => p.line)).toEqual([1]);
  });
});
