import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { jobKind, jobTransaction, type BackgroundContext, type DeadlineJob } from '@lilong/kit';
import { CareRequest, CareSeries } from './care.entity';
import { CareStatus } from './care.enums';
import { addDays, SERIES_HORIZON_DAYS, shanghaiDay } from './care.rules';
import { expireCareOffer, extendSeriesAhead } from './care.service';

export const EXPIRE_CARE_OFFER = jobKind<{ requestId: number }>('expire-care-offer');
export const EXTEND_CARE_SERIES = jobKind<{ seriesId: number }>('extend-care-series');

const FIND_LIMIT = 500;

type Context = Pick<BackgroundContext, 'community' | 'orm'>;

/**
 * Each offer not answered in time is a job of its own, keyed by the request and its offer
 * (`expire-care-offer:<localId>:<offerCount>`, so a later offer of the same request gets a job of its own even while an
 * earlier one sits in the failed list): the request's row locked with NOWAIT, re-checked as OFFERED and expired, then
 * back to the queue with the volunteer freed (a borrowed one's release goes by the hub's relay).
 */
export function careOfferTimeouts(context: Context): DeadlineJob<{ requestId: number }> {
  return {
    kind: EXPIRE_CARE_OFFER,
    async due(now) {
      const due = await context.orm.em.fork().find(
        CareRequest,
        { status: CareStatus.OFFERED, offerExpiresAt: { $lte: now } },
        { fields: ['localId', 'offerCount'], orderBy: { offerExpiresAt: 'asc', localId: 'asc' }, limit: FIND_LIMIT },
      );
      return due.map((r) => ({ key: `${EXPIRE_CARE_OFFER.name}:${r.localId}:${r.offerCount}`, payload: { requestId: r.localId } }));
    },
    handle: ({ requestId }, now) =>
      jobTransaction(context.orm, async (em) => {
        const request = await em.findOne(CareRequest, { localId: requestId }, { lockMode: LockMode.PESSIMISTIC_WRITE_OR_FAIL, refresh: true });
        return request ? expireCareOffer(em, context.community, request, now) : false;
      }),
  };
}

/**
 * Each running series whose trips are not yet created SERIES_HORIZON_DAYS ahead (as far as it runs) is a job, keyed
 * by the series and the day it is extended to (`extend-care-series:<localId>:<day>`): the series' row locked with
 * NOWAIT, then its missing trips created as tasks in the queue; created trips are never created again.
 */
export function careSeriesTrips(context: Context): DeadlineJob<{ seriesId: number }> {
  return {
    kind: EXTEND_CARE_SERIES,
    async due(now) {
      const horizon = addDays(shanghaiDay(now), SERIES_HORIZON_DAYS);
      const em = context.orm.em.fork() as EntityManager;
      const rows: { id: number }[] = await em.getConnection().execute(
        `select id from care_series
          where stopped_at is null and last_day >= ? and (created_until is null or created_until < least(?, last_day))
          order by id limit ${FIND_LIMIT}`,
        [shanghaiDay(now), horizon],
      );
      return rows.map((r) => ({ key: `${EXTEND_CARE_SERIES.name}:${r.id}:${horizon}`, payload: { seriesId: r.id } }));
    },
    handle: ({ seriesId }, now) =>
      jobTransaction(context.orm, async (em) => {
        const series = await em.findOne(CareSeries, { localId: seriesId }, { lockMode: LockMode.PESSIMISTIC_WRITE_OR_FAIL, refresh: true });
        return series ? (await extendSeriesAhead(em, series, now)) > 0 : false;
      }),
  };
}
