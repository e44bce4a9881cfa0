/**
 * A small RFC 4180 CSV reader: comma-separated, fields optionally in double quotes (inside them a doubled quote ""
 * is one quote, and commas and line breaks are part of the field), records ended by CRLF, LF or a lone CR, an
 * optional UTF-8 byte-order mark. Stricter than spreadsheets are lenient: a quote inside an unquoted field, text
 * after a closing quote, or a quote never closed is an error for that record, reported with its line, and reading
 * goes on with the next record so that every bad line is reported at once.
 */

export interface CsvRecord {
  /** Line the record starts on, 1-based (a quoted field with line breaks makes a record span several lines). */
  line: number;
  fields: string[];
}

export interface CsvSyntaxError {
  line: number;
  en: string;
  zh: string;
}

export interface CsvParse {
  records: CsvRecord[];
  errors: CsvSyntaxError[];
}

const BOM = 0xfeff;

export function parseCsv(text: string): CsvParse {
  const records: CsvRecord[] = [];
  const errors: CsvSyntaxError[] = [];
  const end = text.length;
  let i = text.charCodeAt(0) === BOM ? 1 : 0;
  let line = 1;

  const atRecordEnd = () => i >= end || text[i] === '\n' || text[i] === '\r';
  const atFieldEnd = () => atRecordEnd() || text[i] === ',';

  while (i < end) {
    const start = line;
    const fields: string[] = [];
    let error: Omit<CsvSyntaxError, 'line'> | undefined;
    for (;;) {
      let value = '';
      if (text[i] === '"') {
        i += 1;
        let closed = false;
        while (i < end) {
          const c = text[i]!;
          if (c === '"') {
            if (text[i + 1] === '"') {
              value += '"';
              i += 2;
              continue;
            }
            i += 1;
            closed = true;
            break;
          }
          // A line break inside quotes is data, but still a line of the file: count it (CRLF once).
          if (c === '\n' || (c === '\r' && text[i + 1] !== '\n')) line += 1;
          value += c;
          i += 1;
        }
        if (!closed) {
          error ??= {
            en: `a quote opened on line ${start} is never closed; a quote inside a field is written as two quotes ("").`,
            zh: `第 ${start} 行的引号没有闭合；字段中的引号应写成两个引号（""）。`,
          };
        } else if (!atFieldEnd()) {
          error ??= {
            en: 'text after a closing quote; a field is either wholly in quotes or not at all, and a quote inside a quoted field is written as two quotes ("").',
            zh: '闭合引号后还有文字；字段要么整体加引号，要么不加，引号内的引号应写成两个引号（""）。',
          };
          while (!atFieldEnd()) i += 1;
        }
      } else {
        while (!atFieldEnd()) {
          if (text[i] === '"') {
            error ??= {
              en: 'a quote inside a field that does not start with a quote; put the whole field in quotes and write the quote as two quotes ("").',
              zh: '未加引号的字段中出现引号；请给整个字段加上引号，并把其中的引号写成两个引号（""）。',
            };
          }
          value += text[i];
          i += 1;
        }
      }
      fields.push(value);
      if (i < end && text[i] === ',') {
        i += 1;
        continue;
      }
      if (i < end) {
        i += text[i] === '\r' && text[i + 1] === '\n' ? 2 : 1;
        line += 1;
      }
      break;
    }
    if (error) errors.push({ line: start, ...error });
    else records.push({ line: start, fields });
  }
  return { records, errors };
}
