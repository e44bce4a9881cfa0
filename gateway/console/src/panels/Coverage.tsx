import { useMemo } from 'react';
import { barFrame, Chart } from '../Chart';
import { each, fieldState, missingFor, type Snapshot } from '../model';
import { COMPOUND_KINDS, type Compound } from '../queries';
import { Panel, sum, Table, useUi, type Row } from '../ui';

/** Compounds by kind with and without a group, and households no group order reached, per community. */
export function CoveragePanel({ snapshot }: { snapshot: Snapshot }) {
  const { t, f, e, nameOf } = useUi();
  const reports = each(snapshot, 'coverage');
  const byKind = COMPOUND_KINDS.map((kind) => {
    const entries = reports.map((r) => r.value.kinds.find((k) => k.kind === kind));
    const compounds = sum(entries.map((k) => k?.compounds ?? 0));
    const without = sum(entries.map((k) => k?.compoundsWithoutGroup ?? 0));
    return { kind, compounds, without, with: compounds - without };
  });
  const header = [t.community, t.households, t.reached, t.notReached, t.withoutGroup, t.neverSurveyed];
  const rows: Row[] = reports.map(({ code, value }) => ({
    key: code,
    cells: [nameOf(code), value.counts.households, value.counts.reached, value.counts.notReached, value.compoundsWithoutGroup.length, value.kindsNeverSurveyed.map(e).join('、')],
    show: [undefined, f.n(value.counts.households), f.n(value.counts.reached), f.n(value.counts.notReached), f.n(value.compoundsWithoutGroup.length), value.kindsNeverSurveyed.length ? value.kindsNeverSurveyed.map(e).join('、') : t.none],
  }));
  const kindHeader = [t.kind, t.compounds, t.withGroup, t.withoutGroup];
  const kindRows: Row[] = byKind.map((k) => ({ key: k.kind, cells: [e(k.kind), k.compounds, k.with, k.without] }));
  const option = useMemo(
    () => ({
      ...barFrame(true),
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: { type: 'category', inverse: true, data: byKind.map((k) => e(k.kind)) },
      series: [
        { type: 'bar', stack: 'k', name: t.withGroup, data: byKind.map((k) => k.with), color: '#0072B2' },
        { type: 'bar', stack: 'k', name: t.withoutGroup, data: byKind.map((k) => k.without), color: '#E69F00', itemStyle: { decal: { symbol: 'rect', dashArrayX: [1, 0], dashArrayY: [2, 4], rotation: -0.8 } } },
      ],
    }),
    [byKind, t, e],
  );
  const days = reports[0]?.value.days;
  return (
    <Panel id="coverage" title={`${t.pCoverage}${days ? ` · ${days}d` : ''}`} takenAt={reports[0]?.value.takenAt ?? snapshot.at} {...fieldState(snapshot, 'coverage')} csv={{ name: 'coverage', header, rows }} wide>
      <div className="split">
        <div>
          <Chart option={option} label={t.pCoverage} height={240} />
          <Table header={kindHeader} rows={kindRows} numeric={[1, 2, 3]} testId="table-coverage-kinds" />
        </div>
        <Table header={header} rows={rows} numeric={[1, 2, 3, 4]} testId="table-coverage" />
      </div>
    </Panel>
  );
}

interface MapProps {
  snapshot: Snapshot;
  /** Opens a compound's detail (committee staff); the list under the map does the same from the keyboard. */
  onOpen?: (compound: Compound) => void;
}

/** Compounds placed by their coordinates (no map tiles: the machine may be offline), by whether they have a group. */
export function CompoundMapPanel({ snapshot, onOpen }: MapProps) {
  const { t, f, e, nameOf } = useUi();
  const all = each(snapshot, 'compounds').flatMap(({ code, value }) => value.map((c) => ({ code, c })));
  const without = new Set(each(snapshot, 'coverage').flatMap(({ value }) => value.compoundsWithoutGroup.map((w) => w.compound.id)));
  const point = ({ code, c }: (typeof all)[number]) => ({ value: [c.lng, c.lat, c.householdCount], name: c.name, id: c.id, code });
  const option = useMemo(() => {
    const lats = all.map((a) => a.c.lat);
    const lngs = all.map((a) => a.c.lng);
    const pad = 0.001;
    return {
      tooltip: { trigger: 'item', formatter: (p: { data: { name: string; code: string; value: number[] } }) => `${p.data.name}<br/>${nameOf(p.data.code)} · ${f.n(p.data.value[2]!)} ${t.households}` },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 30, bottom: 8, containLabel: true },
      xAxis: { type: 'value', scale: true, min: Math.min(...lngs) - pad, max: Math.max(...lngs) + pad, axisLabel: { show: false }, splitLine: { show: false } },
      yAxis: { type: 'value', scale: true, min: Math.min(...lats) - pad, max: Math.max(...lats) + pad, axisLabel: { show: false }, splitLine: { show: false } },
      series: [
        { type: 'scatter', name: t.withGroup, symbol: 'circle', data: all.filter((a) => !without.has(a.c.id)).map(point), symbolSize: (v: number[]) => 8 + Math.sqrt(v[2]!) * 3, color: '#0072B2' },
        { type: 'scatter', name: t.withoutGroup, symbol: 'triangle', data: all.filter((a) => without.has(a.c.id)).map(point), symbolSize: (v: number[]) => 10 + Math.sqrt(v[2]!) * 3, color: '#D55E00' },
      ],
    };
  }, [all, without, t, f, nameOf]);
  const header = [t.community, t.compoundName, t.kind, t.households, t.withoutGroup];
  const rows: Row[] = all.map(({ code, c }) => ({
    key: c.id,
    cells: [nameOf(code), c.name, e(c.kind), c.householdCount, without.has(c.id) ? t.isYes : t.isNo],
    show: [
      undefined,
      onOpen ? (
        <button type="button" className="link" onClick={() => onOpen(c)} data-testid={`open-${c.id}`}>
          {c.name}
        </button>
      ) : undefined,
      undefined,
      f.n(c.householdCount),
    ],
  }));
  const byId = new Map(all.map((a) => [a.c.id, a.c]));
  return (
    <Panel id="map" title={t.pMap} takenAt={snapshot.at} missing={missingFor(snapshot, 'compounds')} csv={{ name: 'compounds', header, rows }} wide>
      {all.length > 0 && (
        <Chart option={option} label={t.pMap} height={320} onClick={(p) => onOpen && byId.get((p.data as { id: string }).id) && onOpen(byId.get((p.data as { id: string }).id)!)} testId="compound-map" />
      )}
      <Table header={header} rows={rows} numeric={[3]} testId="table-compounds" />
    </Panel>
  );
}

/** One compound of the committee's community: its groups and the households no group order reached, by address. */
export function CompoundDetail({ snapshot, compound, onBack }: { snapshot: Snapshot; compound: Compound; onBack: () => void }) {
  const { t, f, e } = useUi();
  const code = snapshot.scope[0]!;
  const data = snapshot.byCode.get(code);
  const groups = (data?.groups ?? []).filter((g) => g.compound.id === compound.id);
  const households = (data?.coverage?.householdsNotReached ?? []).filter((h) => h.compound?.id === compound.id);
  const header = [t.address, t.building, t.tenure, t.lastReached];
  const rows: Row[] = households.map((h) => ({
    key: h.householdId,
    cells: [h.address, h.building, h.tenure ? e(h.tenure) : '', h.lastReachedAt ?? ''],
    show: [undefined, undefined, undefined, h.lastReachedAt ? f.dateTime(h.lastReachedAt) : t.never],
  }));
  return (
    <Panel id="compound" title={`${t.pCompound}: ${compound.name}`} takenAt={data?.coverage?.takenAt ?? snapshot.at} missing={missingFor(snapshot, 'coverage')} csv={{ name: `households-not-reached-${compound.id.replace(/[^a-z0-9-]/gi, '-')}`, header, rows }} wide>
      <button type="button" onClick={onBack} data-testid="compound-back">
        ← {t.back}
      </button>
      <p className="figure">
        {e(compound.kind)} · {f.n(compound.householdCount)} {t.households} · {t.groupsIn}: {groups.length ? groups.map((g) => g.name).join('、') : t.none}
      </p>
      <h3>
        {t.notReached}: <span data-testid="compound-not-reached">{f.n(households.length)}</span>
      </h3>
      <Table header={header} rows={rows} testId="table-compound-households" />
    </Panel>
  );
}
