/**
 * The communities' calendar: a "day" in the figures (searches with nothing in stock, group orders per day) is a day
 * in Shanghai time, whatever the server's own zone. SQL and JS both use this one zone.
 */
export const COMMUNITY_TIME_ZONE = 'Asia/Shanghai';

const DAY = new Intl.DateTimeFormat('en-CA', { timeZone: COMMUNITY_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });

/** The community's day of a moment, as `YYYY-MM-DD`. */
export const localDay = (at: Date): string => DAY.format(at);

/** SQL for the community's today (a `date`). */
export const SQL_TODAY = `(now() at time zone '${COMMUNITY_TIME_ZONE}')::date`;
