import { useMemo } from 'react';
import { barFrame, Chart } from '../Chart';
import { each, fieldState, missingPools, outcomesPerDay, unmetAcross, type Snapshot } from '../model';
import { ORDER_DAYS, SEARCH_DAYS } from '../queries';
import { Panel, Table, useUi, type Row } from '../ui';

/** Pools by how far they are from forming, with the time left to their deadline. */
export function PoolsPanel({ snapshot }: { snapshot: Snapshot }) {
  const { t, f, e, nameOf } = useUi();
  const pools = useMemo(
    () => [...(snapshot.pools ?? [])].sort((a, b) => a.progress.packsMissing - b.progress.packsMissing || a.deadline.localeCompare(b.deadline)),
    [snapshot.pools],
  );
  const header = [t.product, t.shop, t.community, t.status, t.packsMissing, t.unitsToNextPack, t.ordered, t.deadline, t.timeLeft, t.wouldForm];
  const rows: Row[] = pools.map((p) => ({
    key: p.id,
    className: p.progress.packsMissing === 1 ? 'attention' : undefined,
    cells: [p.product.name, p.shop.name, nameOf(p.community.code), e(p.status), p.progress.packsMissing, p.progress.unitsToNextPack, p.progress.totalQuantity, p.deadline, f.fromNow(p.deadline, snapshot.at), p.progress.wouldForm ? t.yes : t.no],
    show: [undefined, undefined, undefined, undefined, f.n(p.progress.packsMissing), f.n(p.progress.unitsToNextPack), `${f.n(p.progress.totalQuantity)} ${p.product.unit}`, f.dateTime(p.deadline)],
  }));
  const option = useMemo(
    () => ({
      ...barFrame(),
      xAxis: { type: 'value', minInterval: 1, name: t.packsMissing, nameLocation: 'middle', nameGap: 24 },
      yAxis: { type: 'category', inverse: true, data: pools.map((p) => `${p.product.name} · ${p.shop.name}`) },
      series: [{ type: 'bar', name: t.packsMissing, data: pools.map((p) => p.progress.packsMissing), label: { show: true, position: 'right' } }],
    }),
    [pools, t],
  );
  return (
    <Panel id="pools" title={t.pPools} takenAt={snapshot.at} missing={missingPools(snapshot)} csv={{ name: 'pools', header, rows }}>
      {pools.length > 0 && <Chart option={option} label={t.pPools} height={Math.max(120, 44 * pools.length + 40)} />}
      <Table header={header} rows={rows} numeric={[4, 5, 6]} testId="table-pools" />
    </Panel>
  );
}

/** Group orders formed and failed per day (Community.orderOutcomes, counted by each merchant's node). */
export function OrdersPanel({ snapshot }: { snapshot: Snapshot }) {
  const { t, f } = useUi();
  const days = useMemo(() => outcomesPerDay(snapshot), [snapshot]);
  const header = [t.date, t.formed, t.failed];
  // The API's day is a Shanghai date; shown as that calendar day (noon UTC is the same date in any zone near it).
  const label = (day: string) => f.day(new Date(`${day}T12:00:00Z`));
  const rows: Row[] = days.map((d) => ({ key: d.day, cells: [d.day, d.formed, d.failed], show: [label(d.day), f.n(d.formed), f.n(d.failed)] }));
  const option = useMemo(
    () => ({
      ...barFrame(true),
      xAxis: { type: 'category', data: days.map((d) => label(d.day)) },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        { type: 'bar', name: t.formed, data: days.map((d) => d.formed), itemStyle: { color: '#009E73' } },
        { type: 'bar', name: t.failed, data: days.map((d) => d.failed), itemStyle: { color: '#D55E00', decal: { symbol: 'rect', dashArrayX: [1, 0], dashArrayY: [2, 4], rotation: 0.8 } } },
      ],
    }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [days, t, f],
  );
  const total = days.reduce((a, d) => ({ formed: a.formed + d.formed, failed: a.failed + d.failed }), { formed: 0, failed: 0 });
  return (
    <Panel id="orders" title={t.pOrders} takenAt={snapshot.at} {...fieldState(snapshot, 'orderOutcomes')} csv={{ name: 'group-orders-per-day', header, rows }}>
      <p className="figure">
        {t.total} ({f.n(ORDER_DAYS)}d): {t.formed} <strong data-testid="orders-formed">{f.n(total.formed)}</strong> · {t.failed} <strong data-testid="orders-failed">{f.n(total.failed)}</strong>
      </p>
      <Chart option={option} label={t.pOrders} height={220} />
      <Table header={header} rows={rows} numeric={[1, 2]} testId="table-orders" />
    </Panel>
  );
}

/** Products running low in every community, with a bar per community. */
export function LowStockPanel({ snapshot }: { snapshot: Snapshot }) {
  const { t, f, nameOf } = useUi();
  const lists = each(snapshot, 'lowStock');
  const header = [t.community, t.shop, t.product, t.available, t.threshold];
  const rows: Row[] = lists.flatMap(({ code, value }) =>
    value.map((p) => ({
      key: p.id,
      className: p.stock.available === 0 ? 'attention' : undefined,
      cells: [nameOf(code), p.shop.name, p.name, p.stock.available, p.lowStockThreshold],
      show: [undefined, undefined, undefined, `${f.n(p.stock.available)} ${p.unit}`, f.n(p.lowStockThreshold)],
    })),
  );
  const option = useMemo(
    () => ({
      ...barFrame(),
      xAxis: { type: 'category', data: lists.map((l) => nameOf(l.code)), axisLabel: { interval: 0 } },
      yAxis: { type: 'value', minInterval: 1 },
      series: [{ type: 'bar', name: t.pLowStock, data: lists.map((l) => l.value.length), label: { show: true, position: 'top' } }],
    }),
    [lists, t, nameOf],
  );
  return (
    <Panel id="low-stock" title={t.pLowStock} takenAt={snapshot.at} {...fieldState(snapshot, 'lowStock')} csv={{ name: 'low-stock', header, rows }}>
      {lists.length > 1 && <Chart option={option} label={t.pLowStock} height={200} />}
      <Table header={header} rows={rows} numeric={[3, 4]} testId="table-low-stock" />
    </Panel>
  );
}

/** What people searched for that no shop had in stock (Community.unmetSearches), most searched first. */
export function SearchedPanel({ snapshot }: { snapshot: Snapshot }) {
  const { t, f, nameOf } = useUi();
  const terms = useMemo(() => unmetAcross(snapshot), [snapshot]);
  const header = [t.term, t.searches, t.lackingIn, t.lastSearched];
  const rows: Row[] = terms.map((s) => ({
    key: s.term,
    cells: [s.term, s.count, s.communities.map(nameOf).join('、'), s.lastSearchedAt],
    show: [undefined, f.n(s.count), undefined, f.dateTime(s.lastSearchedAt)],
  }));
  const top = terms.slice(0, 10);
  const option = useMemo(
    () => ({
      ...barFrame(),
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: { type: 'category', inverse: true, data: top.map((s) => s.term) },
      series: [{ type: 'bar', name: t.searches, data: top.map((s) => s.count), color: '#CC79A7', label: { show: true, position: 'right' } }],
    }),
    [top, t],
  );
  return (
    <Panel id="searched" title={`${t.pSearched} · ${SEARCH_DAYS}d`} takenAt={snapshot.at} {...fieldState(snapshot, 'unmetSearches')} csv={{ name: 'searched-not-in-stock', header, rows }}>
      <p className="figure">{t.searchesNote}</p>
      {top.length > 0 && <Chart option={option} label={t.pSearched} height={Math.max(120, 28 * top.length + 40)} />}
      <Table header={header} rows={rows} numeric={[1]} testId="table-searched" />
    </Panel>
  );
}
