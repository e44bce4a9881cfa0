import { useMemo } from 'react';
import { barFrame, Chart } from '../Chart';
import { each, fieldState, type Snapshot } from '../model';
import { CARE_KINDS, URGENCIES } from '../queries';
import { Panel, sum, Table, useUi, type Row } from '../ui';

/** Open requests by kind and urgency, per community (stacked by urgency). */
export function CareOpenPanel({ snapshot }: { snapshot: Snapshot }) {
  const { t, f, e, nameOf } = useUi();
  const figures = each(snapshot, 'careFigures');
  const counts = figures.map(({ code, value }) => {
    const byKey = new Map<string, number>();
    for (const zone of value.zones) for (const o of zone.open) byKey.set(`${o.kind}/${o.urgency}`, (byKey.get(`${o.kind}/${o.urgency}`) ?? 0) + o.count);
    return { code, byKey, total: sum([...byKey.values()]) };
  });
  const header = [t.community, ...CARE_KINDS.flatMap((k) => URGENCIES.map((u) => `${e(k)} · ${e(u)}`)), t.total];
  const rows: Row[] = counts.map(({ code, byKey, total }) => {
    const cells = CARE_KINDS.flatMap((k) => URGENCIES.map((u) => byKey.get(`${k}/${u}`) ?? 0));
    return { key: code, cells: [nameOf(code), ...cells, total], show: [undefined, ...cells.map(f.n), f.n(total)] };
  });
  const option = useMemo(
    () => ({
      ...barFrame(true),
      xAxis: { type: 'category', data: counts.map((c) => nameOf(c.code)), axisLabel: { interval: 0 } },
      yAxis: { type: 'value', minInterval: 1 },
      series: URGENCIES.map((u, i) => ({
        type: 'bar',
        stack: 'open',
        name: e(u),
        color: ['#D55E00', '#E69F00', '#56B4E9'][i],
        data: counts.map((c) => sum(CARE_KINDS.map((k) => c.byKey.get(`${k}/${u}`) ?? 0))),
      })),
    }),
    [counts, e, nameOf],
  );
  const takenAt = figures[0]?.value.takenAt ?? snapshot.at;
  return (
    <Panel id="care-open" title={t.pCareOpen} takenAt={takenAt} {...fieldState(snapshot, 'careFigures')} csv={{ name: 'care-open', header, rows }} wide>
      <Chart option={option} label={t.pCareOpen} height={220} />
      <Table header={header} rows={rows} numeric={header.map((_, i) => i).slice(1)} testId="table-care-open" />
    </Panel>
  );
}

/** The care queue, longest waiting first within urgency (as dispatch sees it), across the view's communities. */
export function CareQueuePanel({ snapshot }: { snapshot: Snapshot }) {
  const { t, f, e, nameOf } = useUi();
  const header = [t.community, t.zone, t.kind, t.urgency, t.status, t.waited, t.area];
  const order = (u: string) => URGENCIES.indexOf(u as never);
  const rows: Row[] = each(snapshot, 'careQueue')
    .flatMap(({ code, value }) => value.map((r) => ({ code, r })))
    .sort((a, b) => order(a.r.urgency) - order(b.r.urgency) || b.r.waitedMinutes - a.r.waitedMinutes)
    .map(({ code, r }) => ({
      key: r.id,
      className: r.urgency === 'EMERGENCY' || r.waitedMinutes >= 30 ? 'attention' : undefined,
      cells: [nameOf(code), r.zone, e(r.kind), e(r.urgency), e(r.status), r.waitedMinutes, r.area],
      show: [undefined, undefined, undefined, undefined, undefined, f.minutes(r.waitedMinutes)],
    }));
  return (
    <Panel id="care-queue" title={t.pCareQueue} takenAt={snapshot.at} {...fieldState(snapshot, 'careQueue')} csv={{ name: 'care-queue', header, rows }} wide>
      <Table header={header} rows={rows} numeric={[5]} testId="table-care-queue" />
    </Panel>
  );
}

/** Per zone: median minutes to acceptance and to done, volunteers available now, tasks borrowed in and lent out. */
export function CareTimesPanel({ snapshot }: { snapshot: Snapshot }) {
  const { t, f, nameOf } = useUi();
  const figures = each(snapshot, 'careFigures');
  const zones = figures.flatMap(({ code, value }) => value.zones.map((z) => ({ code, z, days: value.days })));
  const header = [t.community, t.zone, t.medianAccept, t.medianDone, t.volunteersNow, t.borrowedIn, t.lentOut];
  const rows: Row[] = zones.map(({ code, z }) => ({
    key: `${code}/${z.zone}`,
    cells: [nameOf(code), z.zone, z.medianMinutesToAccept, z.medianMinutesToDone, z.volunteersAvailableNow, z.borrowedIn, z.lentOut],
    show: [undefined, undefined, f.d1(z.medianMinutesToAccept), f.d1(z.medianMinutesToDone), f.n(z.volunteersAvailableNow), f.n(z.borrowedIn), f.n(z.lentOut)],
  }));
  const option = useMemo(
    () => ({
      ...barFrame(),
      xAxis: { type: 'category', data: zones.map(({ code, z }) => `${nameOf(code)}\n${z.zone}`), axisLabel: { interval: 0 } },
      yAxis: { type: 'value', minInterval: 1 },
      series: [{ type: 'bar', name: t.volunteersNow, data: zones.map(({ z }) => z.volunteersAvailableNow), color: '#009E73', label: { show: true, position: 'top' } }],
    }),
    [zones, t, nameOf],
  );
  const days = figures[0]?.value.days;
  return (
    <Panel id="care-times" title={t.pCareTimes} takenAt={figures[0]?.value.takenAt ?? snapshot.at} {...fieldState(snapshot, 'careFigures')} csv={{ name: 'care-zones', header, rows }} wide>
      {days !== undefined && (
        <p className="figure">
          {t.periodDays}: {f.n(days)}
        </p>
      )}
      <Chart option={option} label={`${t.volunteersNow} · ${t.zone}`} height={220} />
      <Table header={header} rows={rows} numeric={[2, 3, 4, 5, 6]} testId="table-care-times" />
    </Panel>
  );
}

/** Per community: median minutes to acceptance and to done over the period, across all its zones (computed by its node). */
export function CareMediansPanel({ snapshot }: { snapshot: Snapshot }) {
  const { t, f, nameOf } = useUi();
  const figures = each(snapshot, 'careFigures');
  const header = [t.community, t.medianAccept, t.medianDone];
  const rows: Row[] = figures.map(({ code, value }) => ({
    key: code,
    className: (value.medianMinutesToAccept ?? 0) >= 30 ? 'attention' : undefined,
    cells: [nameOf(code), value.medianMinutesToAccept, value.medianMinutesToDone],
    show: [undefined, f.d1(value.medianMinutesToAccept), f.d1(value.medianMinutesToDone)],
  }));
  const option = useMemo(
    () => ({
      ...barFrame(true),
      xAxis: { type: 'category', data: figures.map(({ code }) => nameOf(code)), axisLabel: { interval: 0 } },
      yAxis: { type: 'value', name: t.minutes },
      series: [
        { type: 'bar', name: t.medianAccept, data: figures.map(({ value }) => value.medianMinutesToAccept), color: '#0072B2' },
        { type: 'bar', name: t.medianDone, data: figures.map(({ value }) => value.medianMinutesToDone), color: '#E69F00', itemStyle: { decal: { symbol: 'rect', dashArrayX: [1, 0], dashArrayY: [2, 4], rotation: -0.8 } } },
      ],
    }),
    [figures, t, nameOf],
  );
  const days = figures[0]?.value.days;
  return (
    <Panel id="care-medians" title={`${t.pCareMedians}${days ? ` · ${days}d` : ''}`} takenAt={figures[0]?.value.takenAt ?? snapshot.at} {...fieldState(snapshot, 'careFigures')} csv={{ name: 'care-medians', header, rows }}>
      {figures.length > 0 && <Chart option={option} label={t.pCareMedians} height={220} />}
      <Table header={header} rows={rows} numeric={[1, 2]} testId="table-care-medians" />
    </Panel>
  );
}
