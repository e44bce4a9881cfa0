import { useMemo } from 'react';
import { Chart } from '../Chart';
import { each, forbiddenEverywhere, missingFor, missingPools, ordersPerDay, type Snapshot } from '../model';
import { Panel, Table, useUi, type Row } from '../ui';

const ORDER_DAYS = 7;

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
      tooltip: { trigger: 'axis' },
      grid: { left: 8, right: 16, top: 10, bottom: 8, containLabel: true },
      xAxis: { type: 'value', minInterval: 1, name: t.packsMissing, nameLocation: 'middle', nameGap: 24 },
      yAxis: { type: 'category', inverse: true, data: pools.map((p) => `${p.product.name} · ${p.shop.name}`) },
      series: [{ type: 'bar', name: t.packsMissing, data: pools.map((p) => p.progress.packsMissing), label: { show: true, position: 'right' } }],
    }),
    [pools, t],
  );
  return (
    <Panel id="pools" title={t.pPools} takenAt={snapshot.at} missing={missingPools(snapshot)} csv={{ name: 'pools', header, rows: rows.map((r) => r.cells) }}>
      {pools.length > 0 && <Chart option={option} label={t.pPools} height={Math.max(120, 44 * pools.length + 40)} />}
      <Table header={header} rows={rows} numeric={[4, 5, 6]} testId="table-pools" />
    </Panel>
  );
}

/** Group orders formed and failed per day, from every group's orders (closedAt, status). */
export function OrdersPanel({ snapshot }: { snapshot: Snapshot }) {
  const { t, f } = useUi();
  const days = useMemo(() => ordersPerDay(snapshot, ORDER_DAYS), [snapshot]);
  const open = useMemo(() => {
    const ids = new Set<string>();
    for (const { value } of each(snapshot, 'groups')) for (const g of value) for (const o of g.groupOrders ?? []) if (o.status === 'OPEN' || o.status === 'POOLED') ids.add(o.id);
    return ids.size;
  }, [snapshot]);
  const header = [t.date, t.formed, t.failed];
  const rows: Row[] = days.map((d) => ({ key: d.key, cells: [d.key, d.formed, d.failed], show: [f.day(d.day), f.n(d.formed), f.n(d.failed)] }));
  const option = useMemo(
    () => ({
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 30, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: days.map((d) => f.day(d.day)) },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        { type: 'bar', name: t.formed, data: days.map((d) => d.formed), itemStyle: { color: '#009E73' } },
        { type: 'bar', name: t.failed, data: days.map((d) => d.failed), itemStyle: { color: '#D55E00', decal: { symbol: 'rect', dashArrayX: [1, 0], dashArrayY: [2, 4], rotation: 0.8 } } },
      ],
    }),
    [days, t, f],
  );
  return (
    <Panel id="orders" title={t.pOrders} takenAt={snapshot.at} missing={missingFor(snapshot, 'groups')} csv={{ name: 'group-orders-per-day', header, rows: rows.map((r) => r.cells) }}>
      <p className="figure">
        {t.openOrders}: <strong data-testid="open-orders">{f.n(open)}</strong>
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
      tooltip: { trigger: 'axis' },
      grid: { left: 8, right: 16, top: 10, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: lists.map((l) => nameOf(l.code)), axisLabel: { interval: 0 } },
      yAxis: { type: 'value', minInterval: 1 },
      series: [{ type: 'bar', name: t.pLowStock, data: lists.map((l) => l.value.length), label: { show: true, position: 'top' } }],
    }),
    [lists, t, nameOf],
  );
  return (
    <Panel id="low-stock" title={t.pLowStock} takenAt={snapshot.at} missing={missingFor(snapshot, 'lowStock')} forbidden={forbiddenEverywhere(snapshot, 'lowStock')} csv={{ name: 'low-stock', header, rows: rows.map((r) => r.cells) }}>
      {lists.length > 1 && <Chart option={option} label={t.pLowStock} height={200} />}
      <Table header={header} rows={rows} numeric={[3, 4]} testId="table-low-stock" />
    </Panel>
  );
}

/** The API has no record of searches yet: said plainly rather than left out. */
export function SearchedPanel() {
  const { t } = useUi();
  return <Panel id="searched" title={t.pSearched} unavailable />;
}
