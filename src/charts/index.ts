/**
 * Charts: d3 maths + React SVG / canvas. Props in, never reads the store; plots the numbers it is
 * given (no cost arithmetic). Importing any chart pulls in theme.css (via ChartFrame).
 */
export { ChartFrame } from './ChartFrame';
export type { ChartFrameProps, ExportTarget } from './ChartFrame';
export { exportPng, exportSvg, safeFilename, standaloneSvgString } from './export';
export { Roofline } from './roofline/Roofline';
export type { RooflineProps } from './roofline/Roofline';
export type { RooflinePoint } from './roofline/layout';
export { MemoryBars } from './memory/MemoryBars';
export type { MemoryBarsProps } from './memory/MemoryBars';
export type { GpuMemory, MemoryTier } from './memory/layout';
export { GanttCanvas } from './gantt/GanttCanvas';
export type { GanttCanvasProps, GanttDetail, GanttKind } from './gantt/GanttCanvas';
export type { LaneInfo, SpanTable } from './gantt/layout';
export { ParetoScatter } from './pareto/ParetoScatter';
export type { ParetoScatterProps } from './pareto/ParetoScatter';
export type { FrontierStep, ParetoPoint } from './pareto/layout';
export { LineChart } from './lines/LineChart';
export type { LineChartProps } from './lines/LineChart';
export type { LineSeries } from './lines/layout';
export { Histogram } from './histogram/Histogram';
export type { HistogramProps } from './histogram/Histogram';
export { OP_KINDS, kindColor, normalizeKind, categoricalColor } from './theme';
export type { OpKind } from './theme';
