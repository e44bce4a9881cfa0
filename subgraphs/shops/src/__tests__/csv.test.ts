import { parseCsv } from '../stock/csv';

const fields = (text: string) => parseCsv(text).records.map((r) => r.fields);

describe('parseCsv', () => {
  it('reads plain comma-separated records with LF, CRLF or lone CR line ends', () => {
    const expected = [['product_id', 'on_hand'], ['a:Product:1', '12'], ['a:Product:2', '0']];
    expect(fields('product_id,on_hand\na:Product:1,12\na:Product:2,0\n')).toEqual(expected);
    expect(fields('product_id,on_hand\r\na:Product:1,12\r\na:Product:2,0\r\n')).toEqual(expected);
    expect(fields('product_id,on_hand\ra:Product:1,12\ra:Product:2,0')).toEqual(expected);
    expect(parseCsv('a,b\r\nc,d\r\n').records.map((r) => r.line)).toEqual([1, 2]);
  });

  it('does not invent a record after the final line break, and keeps a record without one', () => {
    expect(fields('a,b\n')).toEqual([['a', 'b']]);
    expect(fields('a,b')).toEqual([['a', 'b']]);
    expect(fields('')).toEqual([]);
  });

  it('drops a UTF-8 byte-order mark so the first column keeps its name', () => {
    expect(fields('\uFEFFname,on_hand\n大米,3')).toEqual([['name', 'on_hand'], ['大米', '3']]);
  });

  it('keeps empty fields, including a trailing one and a line with nothing on it', () => {
    expect(fields('a,,c,\n\nx')).toEqual([['a', '', 'c', ''], [''], ['x']]);
    expect(parseCsv('a\n\nx').records.map((r) => r.line)).toEqual([1, 2, 3]);
  });

  it('unquotes quoted fields: "" is a quote, and commas and line breaks inside are data', () => {
    const text = 'name,reason\n"Rice, 5kg","said ""enough""\nfor a week"\n"",x\n';
    expect(fields(text)).toEqual([['name', 'reason'], ['Rice, 5kg', 'said "enough"\nfor a week'], ['', 'x']]);
  });

  it('numbers a record by the line it starts on, counting line breaks inside quotes (CRLF once)', () => {
    const text = 'a,b\r\n"x\r\ny\r\nz",1\r\nlast,2\r\n';
    const { records } = parseCsv(text);
    expect(records.map((r) => [r.line, r.fields])).toEqual([
      [1, ['a', 'b']],
      [2, ['x\r\ny\r\nz', '1']],
      [5, ['last', '2']],
    ]);
  });

  it('keeps spaces as they are (trimming is for the reader of the fields)', () => {
    expect(fields(' a , b ')).toEqual([[' a ', ' b ']]);
  });

  it('reports a quote inside an unquoted field with its line, and reads on', () => {
    const { records, errors } = parseCsv('a,b\n5" pot,1\nok,2\n');
    expect(records.map((r) => r.fields)).toEqual([['a', 'b'], ['ok', '2']]);
    expect(errors).toEqual([expect.objectContaining({ line: 2 })]);
    expect(errors[0]!.en).toContain('quote inside a field');
  });

  it('reports text after a closing quote, and reads on', () => {
    const { records, errors } = parseCsv('a,b\n"x"y,1\nok,2\n');
    expect(records.map((r) => r.fields)).toEqual([['a', 'b'], ['ok', '2']]);
    expect(errors.map((e) => e.line)).toEqual([2]);
    expect(errors[0]!.en).toContain('after a closing quote');
  });

  it('reports a quote never closed at the line where it opened', () => {
    const { records, errors } = parseCsv('a,b\nok,1\n"never closed,2\nmore,3\n');
    expect(records.map((r) => r.fields)).toEqual([['a', 'b'], ['ok', '1']]);
    expect(errors).toEqual([expect.objectContaining({ line: 3 })]);
    expect(errors[0]!.en).toContain('never closed');
    expect(errors[0]!.zh).toContain('第 3 行');
  });

  it('reports every bad line, not only the first', () => {
    const { errors } = parseCsv('a,b\nx"y,1\nok,2\n"p"q,3\n');
    expect(errors.map((e) => e.line)).toEqual([2, 4]);
  });
});
