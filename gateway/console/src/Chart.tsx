import type { EChartsCoreOption } from 'echarts/core';
import { useEffect, useRef, useState } from 'react';
import type { ECharts } from './charts/echarts';

/** Okabe-Ito: told apart with every common colour-vision deficiency. */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#56B4E9', '#CC79A7', '#F0E442', '#000000'];

type ChartsModule = typeof import('./charts/echarts');
let loading: Promise<ChartsModule> | undefined;

/**
 * Starts loading the chart code (a chunk of its own, about three quarters of the page's script) if it is not on its
 * way yet. The dashboard calls it once its first answer is in, so the first query and the tables never wait for it.
 */
export function loadCharts(): Promise<ChartsModule> {
  loading ??= import('./charts/echarts').catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}

interface ChartProps {
  option: EChartsCoreOption;
  /** What the chart shows, for screen readers (the same figures are in the table beside it). */
  label: string;
  height?: number;
  onClick?: (params: { dataIndex: number; seriesIndex: number; data: unknown }) => void;
  testId?: string;
}

/**
 * One ECharts chart, resized with its box; the option is replaced whole on every change. Until the chart code has
 * arrived the box keeps its height (nothing jumps), and the table beside it already shows the same figures.
 */
export function Chart({ option, label, height = 260, onClick, testId }: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const [chart, setChart] = useState<ECharts>();
  const clicked = useRef(onClick);
  clicked.current = onClick;
  useEffect(() => {
    let instance: ECharts | undefined;
    let observer: ResizeObserver | undefined;
    let gone = false;
    loadCharts().then(
      (charts) => {
        if (gone || !box.current) return;
        instance = charts.init(box.current, undefined, { renderer: 'canvas' });
        instance.on('click', (params) => clicked.current?.(params as never));
        observer = new ResizeObserver(() => instance?.resize());
        observer.observe(box.current);
        setChart(instance);
        if (window.__lilongConsole) window.__lilongConsole.chartsMs ??= performance.now();
      },
      () => undefined, // no charts (the chunk failed to load): the tables carry the same figures
    );
    return () => {
      gone = true;
      observer?.disconnect();
      instance?.dispose();
    };
  }, []);
  useEffect(() => {
    chart?.setOption({ color: PALETTE, animation: false, textStyle: { fontSize: 13 }, ...option }, { notMerge: true });
  }, [chart, option]);
  return <div ref={box} className="chart" style={{ height }} role="img" aria-label={label} aria-busy={chart ? undefined : true} data-testid={testId} />;
}

/** The frame most of the console's bar charts share: a tooltip per category, a legend on top when asked. */
export function barFrame(legend = false): EChartsCoreOption {
  return {
    tooltip: { trigger: 'axis' },
    ...(legend ? { legend: { top: 0 } } : {}),
    grid: { left: 8, right: 16, top: legend ? 30 : 10, bottom: 8, containLabel: true },
  };
}
