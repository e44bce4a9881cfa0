import { locale, type Lang } from './i18n';

/** Numbers, dates and durations in the reader's language (zh-CN or en), always through Intl. */
export function formatters(lang: Lang) {
  const tag = locale(lang);
  const number = new Intl.NumberFormat(tag);
  const decimal = new Intl.NumberFormat(tag, { maximumFractionDigits: 1 });
  const dateTime = new Intl.DateTimeFormat(tag, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false });
  const time = new Intl.DateTimeFormat(tag, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
  const day = new Intl.DateTimeFormat(tag, { month: 'short', day: 'numeric', weekday: 'short' });
  const relative = new Intl.RelativeTimeFormat(tag, { numeric: 'auto' });
  return {
    n: (value: number) => number.format(value),
    d1: (value: number | null | undefined) => (value === null || value === undefined ? '—' : decimal.format(value)),
    dateTime: (iso: string) => dateTime.format(new Date(iso)),
    time: (iso: string | number) => time.format(new Date(iso)),
    day: (date: Date) => day.format(date),
    /** "in 2 days" / "2天后", from now to `iso`, in the largest unit that fits. */
    fromNow: (iso: string, now = Date.now()) => {
      const minutes = Math.round((new Date(iso).getTime() - now) / 60_000);
      if (Math.abs(minutes) < 60) return relative.format(minutes, 'minute');
      const hours = Math.round(minutes / 60);
      if (Math.abs(hours) < 48) return relative.format(hours, 'hour');
      return relative.format(Math.round(hours / 24), 'day');
    },
    minutes: (value: number) => (lang === 'zh' ? `${number.format(value)} 分钟` : `${number.format(value)} min`),
  };
}

export type Formatters = ReturnType<typeof formatters>;
