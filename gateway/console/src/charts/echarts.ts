/**
 * Everything of ECharts the console uses, in a chunk of its own (`Chart.tsx` imports it lazily): the tables and
 * their figures paint first, the charts when this arrives. Only the chart types and components named here are
 * bundled.
 */
import { BarChart, ScatterChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([BarChart, ScatterChart, GridComponent, TooltipComponent, LegendComponent, CanvasRenderer]);

export const init = echarts.init;
export type ECharts = echarts.ECharts;
