import { createContext, useContext, type ReactNode } from 'react';
import { downloadCsv, type Cell } from './csv';
import { formatters, type Formatters } from './format';
import { enumLabel, STRINGS, type Lang, type T } from './i18n';

export interface Ui {
  lang: Lang;
  t: T;
  f: Formatters;
  e: (value: string) => string;
  /** A community's name in the reader's language. */
  nameOf: (code: string) => string;
}

export const UiContext = createContext<Ui>(makeUi('zh', new Map()));
export const useUi = () => useContext(UiContext);

export function makeUi(lang: Lang, names: Map<string, { name: string; nameEn: string | null }>): Ui {
  return {
    lang,
    t: STRINGS[lang],
    f: formatters(lang),
    e: (value) => enumLabel(lang, value),
    nameOf: (code) => {
      const entry = names.get(code);
      return entry ? (lang === 'en' ? entry.nameEn ?? entry.name : entry.name) : code;
    },
  };
}

/** A table's CSV export: the file name's stem, and the same header and rows the table shows (their raw cells). */
export interface Csv {
  name: string;
  header: string[];
  rows: Row[];
}

interface PanelProps {
  id: string;
  title: string;
  /** When its data was taken (ISO, or ms since the epoch). */
  takenAt?: string | number;
  /** Codes of the communities whose data is not in it. */
  missing?: string[];
  forbidden?: boolean;
  csv?: Csv;
  wide?: boolean;
  children?: ReactNode;
}

/** A panel: its title, when its data was taken, which communities are missing from it, and its CSV export. */
export function Panel({ id, title, takenAt, missing = [], forbidden, csv, wide, children }: PanelProps) {
  const { t, f, nameOf } = useUi();
  return (
    <section className={`panel${wide ? ' wide' : ''}`} id={id} aria-labelledby={`${id}-title`} data-testid={`panel-${id}`}>
      <header className="panel-head">
        <h2 id={`${id}-title`}>{title}</h2>
        {csv && !forbidden && (
          <button type="button" className="csv" onClick={() => downloadCsv(csv.name, csv.header, csv.rows.map((r) => r.cells))} data-testid={`csv-${id}`}>
            {t.exportCsv}
          </button>
        )}
      </header>
      <p className="panel-meta">
        {takenAt !== undefined && (
          <span data-testid={`taken-${id}`}>
            {t.takenAt} <time dateTime={new Date(takenAt).toISOString()}>{f.time(takenAt)}</time>
          </span>
        )}
        {!forbidden && (
          <span className={missing.length ? 'missing' : 'complete'} data-testid={`missing-${id}`} role={missing.length ? 'status' : undefined}>
            {missing.length ? `⚠ ${t.missing}: ${missing.map(nameOf).join('、')}` : `✓ ${t.allPresent}`}
          </span>
        )}
      </p>
      {forbidden ? <p className="forbidden">{t.noPermission}</p> : children}
    </section>
  );
}

export interface Row {
  key: string;
  /** The raw values, as exported to CSV. */
  cells: Cell[];
  /** What the page shows, when it differs from the raw value (formatted numbers, marks). */
  show?: ReactNode[];
  className?: string;
}

interface TableProps {
  header: string[];
  rows: Row[];
  /** Columns holding numbers: right-aligned. */
  numeric?: number[];
  testId: string;
  caption?: string;
  empty?: string;
}

/** A plain table, the same figures as its chart and its CSV. */
export function Table({ header, rows, numeric = [], testId, caption, empty }: TableProps) {
  const { t } = useUi();
  if (rows.length === 0) return <p className="empty" data-testid={`${testId}-empty`}>{empty ?? t.noData}</p>;
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label={caption ?? header.join(', ')}>
      <table data-testid={testId}>
        {caption && <caption>{caption}</caption>}
        <thead>
          <tr>
            {header.map((h, i) => (
              <th key={h} scope="col" className={numeric.includes(i) ? 'num' : undefined}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.key} data-row={row.key} className={row.className}>
              {row.cells.map((cell, i) => (
                <td key={i} className={numeric.includes(i) ? 'num' : undefined}>
                  {row.show?.[i] ?? (cell === null || cell === undefined ? '—' : String(cell))}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Sum of a list of numbers. */
export const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
