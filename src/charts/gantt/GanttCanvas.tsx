/**
 * Canvas Gantt of per-GPU (or per-pool) op spans with d3-zoom.
 *
 * Ownership: React renders the legend, an overlay <svg> whose two <g>s belong to d3 (axisTop and
 * the unit label), and the <canvas>. Fast state (zoom transform, hovered span, visible window) lives
 * in refs and is painted in one coalesced requestAnimationFrame; only the tooltip is React state.
 *
 * Interaction: wheel zooms time around the pointer, drag pans, double-click resets; wheel over the
 * lane labels (or shift+wheel anywhere) scrolls lanes; keys + − ← → 0 when the canvas has focus.
 * Coordinate spaces are documented in layout.ts.
 */
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { KeyboardEvent, MouseEvent, WheelEvent } from 'react';
import { axisTop, scaleLinear, select, zoom, zoomIdentity } from 'd3';
import type { NumberValue, ScaleLinear, ZoomBehavior, ZoomTransform } from 'd3';
import { ChartFrame } from '../ChartFrame';
import { ChartTooltip } from '../Tooltip';
import type { TipData } from '../Tooltip';
import { fmtBytes, fmtFlops, fmtUs } from '../format';
import { cssLookup, kindColor, resolveCssColor } from '../theme';
import { useElementWidth } from '../useElementWidth';
import { SvgCtx } from './svg-ctx.ts';
import { drawGantt } from './draw';
import type { DrawParams, GanttPalette } from './draw';
import {
  buildLaneIndex,
  gutterWidth,
  laneAtY,
  layoutRows,
  maxZoom,
  spanAt,
  timeTickFormat,
  timeUnitFor,
  transformForWindow,
} from './layout';
import type { LaneInfo, SpanTable } from './layout';

export interface GanttKind {
  name: string;
  /** CSS colour; default: the theme's op-kind palette (attention, gemm, moe, …) or categorical. */
  color?: string;
}

export interface GanttDetail {
  op: string;
  shape?: string;
  flops?: number;
  bytes?: number;
  timeUs: number;
  bound?: string;
}

export interface GanttCanvasProps {
  title?: string;
  /** One per lane, in display order; consecutive lanes with the same group share a header. */
  lanes: LaneInfo[];
  spans: SpanTable;
  /** Indexed by spans.kind. */
  kinds: GanttKind[];
  /** Indexed by spans.detail. */
  details: GanttDetail[];
  /** Max height of the lane viewport in px (default 420); lanes beyond it scroll. */
  height?: number;
  width?: number;
}

const AXIS_H = 30;
const LANE_H = 20;
const GROUP_H = 18;
const RIGHT_PAD = 10;

/** What the on-screen paint and the PNG/SVG export draw alike: the scene, the zoomed time axis, the colours. */
function sceneParams(
  s: Latest,
  xz: ScaleLinear<number, number>,
  palette: GanttPalette,
): Omit<DrawParams, 'height' | 'scrollTop'> {
  const [t0 = 0, t1 = 1] = xz.domain();
  return {
    width: s.w,
    gutter: s.gutter,
    rows: s.rows,
    index: s.index,
    spans: s.spans,
    xOf: xz,
    t0,
    t1,
    palette,
    labelOf: (i) => s.details[s.spans.detail[i] ?? -1]?.op ?? '',
  };
}

function readPalette(el: Element | null, kindColors: readonly string[]): GanttPalette {
  const look = cssLookup(el);
  const r = (prop: string, fb: string) => resolveCssColor(`var(${prop}, ${fb})`, look);
  return {
    kinds: kindColors.map((c) => resolveCssColor(c, look)),
    fg: r('--chart-fg', '#1f2328'),
    muted: r('--chart-fg-muted', '#5b636d'),
    bg: r('--chart-bg', '#ffffff'),
    panel: r('--chart-panel', '#f5f6f8'),
    grid: r('--chart-grid', '#eaecef'),
    border: r('--chart-border', '#d5d9de'),
    focus: r('--chart-focus', '#0b62d6'),
    font: look('--chart-font').trim() || 'system-ui, sans-serif',
  };
}

interface Latest {
  w: number;
  viewH: number;
  gutter: number;
  rows: ReturnType<typeof layoutRows>;
  index: ReturnType<typeof buildLaneIndex>;
  spans: SpanTable;
  kindColors: string[];
  kinds: GanttKind[];
  details: GanttDetail[];
  lanes: LaneInfo[];
  title: string;
}

export function GanttCanvas({
  title = 'Timeline',
  lanes,
  spans,
  kinds,
  details,
  height = 420,
  width,
}: GanttCanvasProps) {
  const bodyRef = useRef<HTMLDivElement | null>(null);
  // Measure the scroll content (excludes a vertical scrollbar) so canvas and axis share one width.
  const [spacerRef, w] = useElementWidth<HTMLDivElement>(undefined, width ?? 960, 360);
  const rows = useMemo(() => layoutRows(lanes, LANE_H, GROUP_H), [lanes]);
  const index = useMemo(() => buildLaneIndex(spans, lanes.length), [spans, lanes.length]);
  const gutter = useMemo(() => gutterWidth(lanes), [lanes]);
  const kindColors = useMemo(() => kinds.map((k, i) => kindColor(k.name, i, k.color)), [kinds]);
  const viewH = Math.max(LANE_H, Math.min(rows.contentHeight, height));

  const canvasRef = useRef<HTMLCanvasElement | null>(null);
  const scrollRef = useRef<HTMLDivElement | null>(null);
  const axisRef = useRef<SVGGElement | null>(null);
  const unitRef = useRef<SVGGElement | null>(null);
  const zoomRef = useRef<ZoomBehavior<HTMLCanvasElement, unknown> | null>(null);
  const transformRef = useRef<ZoomTransform>(zoomIdentity);
  const windowRef = useRef<[number, number] | null>(null);
  const indexRef = useRef(index);
  const hoverRef = useRef(-1);
  const rafRef = useRef(0);
  const [tip, setTip] = useState<TipData | null>(null);

  // Latest props for the rAF painter and event handlers (refreshed after each commit).
  const latest = useRef<Latest | null>(null);
  useLayoutEffect(() => {
    latest.current = { w, viewH, gutter, rows, index, spans, kindColors, kinds, details, lanes, title };
  });

  const zoomedScale = useCallback(() => {
    const s = latest.current;
    if (!s) return scaleLinear();
    const base = scaleLinear()
      .domain([s.index.t0, s.index.t1])
      .range([s.gutter, s.w - RIGHT_PAD]);
    return transformRef.current.rescaleX(base);
  }, []);

  const draw = useCallback(() => {
    const s = latest.current;
    const canvas = canvasRef.current;
    if (!s || !canvas) return;
    const dpr = window.devicePixelRatio || 1;
    const bw = Math.round(s.w * dpr);
    const bh = Math.round(s.viewH * dpr);
    if (canvas.width !== bw) canvas.width = bw;
    if (canvas.height !== bh) canvas.height = bh;
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const xz = zoomedScale();
    const [a = 0, b = 1] = xz.domain();
    const palette = readPalette(canvas, s.kindColors);
    drawGantt(ctx, {
      ...sceneParams(s, xz, palette),
      height: s.viewH,
      scrollTop: scrollRef.current?.scrollTop ?? 0,
      hovered: hoverRef.current,
    });
    // d3 owns the axis <g>s.
    const unit = timeUnitFor(b - a);
    const ticks = xz.ticks(Math.max(2, Math.floor((s.w - s.gutter) / 110)));
    const step = ticks.length > 1 ? (ticks[1] ?? 0) - (ticks[0] ?? 0) : b - a;
    const fmt = timeTickFormat(step, unit);
    if (axisRef.current) {
      select(axisRef.current).call(
        axisTop(xz)
          .tickValues(ticks)
          .tickFormat((d: NumberValue) => fmt(Number(d)))
          .tickSizeOuter(0),
      );
    }
    if (unitRef.current) {
      select(unitRef.current)
        .selectAll('text')
        .data([`Time (${unit.unit})`])
        .join('text')
        .attr('x', 6)
        .attr('y', AXIS_H - 9)
        .style('fill', 'var(--chart-fg)')
        .style('font-size', '11px')
        .style('font-weight', '500')
        .text((d) => d);
    }
  }, [zoomedScale]);

  const schedule = useCallback(() => {
    if (rafRef.current) return;
    rafRef.current = requestAnimationFrame(() => {
      rafRef.current = 0;
      draw();
    });
  }, [draw]);

  useEffect(() => () => cancelAnimationFrame(rafRef.current), []);

  // d3-zoom on the canvas; re-created when geometry or data change, keeping the visible window.
  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    const sel = select(canvas);
    const x0 = gutter;
    const x1 = w - RIGHT_PAD;
    const z = zoom<HTMLCanvasElement, unknown>()
      .scaleExtent([1, maxZoom(index.t1 - index.t0)])
      .extent([
        [x0, 0],
        [x1, viewH],
      ])
      .translateExtent([
        [x0, -Infinity],
        [x1, Infinity],
      ])
      .filter((ev: Event) => {
        const e = ev as globalThis.MouseEvent;
        if (e.type === 'wheel') return !e.shiftKey && e.offsetX >= gutter;
        return !e.ctrlKey && !e.button;
      })
      .on('zoom', (ev: { transform: ZoomTransform }) => {
        transformRef.current = ev.transform;
        const d = zoomedScale().domain();
        windowRef.current = [d[0] ?? 0, d[1] ?? 1];
        schedule();
      });
    sel.call(z).on('dblclick.zoom', null);
    sel.on('dblclick.reset', () => z.transform(sel, zoomIdentity));
    zoomRef.current = z;
    const win = indexRef.current === index ? windowRef.current : null;
    indexRef.current = index;
    if (win) {
      const t = transformForWindow([index.t0, index.t1], [x0, x1], win);
      z.transform(sel, zoomIdentity.translate(t.tx, 0).scale(t.k));
    } else {
      z.transform(sel, zoomIdentity);
    }
    return () => {
      sel.on('.zoom', null).on('dblclick.reset', null);
    };
  }, [w, viewH, gutter, index, schedule, zoomedScale]);

  // Repaint on data/geometry changes and on theme changes (colours are read at paint time).
  useEffect(() => {
    schedule();
  }, [schedule, w, viewH, rows, index, kindColors, details]);
  useEffect(() => {
    if (typeof MutationObserver === 'undefined') return;
    const mo = new MutationObserver(() => schedule());
    const opts = { attributes: true, attributeFilter: ['data-theme', 'class', 'style'] };
    mo.observe(document.documentElement, opts);
    if (document.body) mo.observe(document.body, opts);
    const mq = window.matchMedia?.('(prefers-color-scheme: dark)');
    mq?.addEventListener?.('change', schedule);
    return () => {
      mo.disconnect();
      mq?.removeEventListener?.('change', schedule);
    };
  }, [schedule]);

  const clearHover = () => {
    if (hoverRef.current !== -1) {
      hoverRef.current = -1;
      schedule();
    }
    setTip(null);
  };

  const onMouseMove = (e: MouseEvent<HTMLCanvasElement>) => {
    const s = latest.current;
    if (!s || e.buttons) return clearHover();
    const rect = e.currentTarget.getBoundingClientRect();
    const vx = e.clientX - rect.left;
    const vy = e.clientY - rect.top;
    if (vx < s.gutter) return clearHover();
    const lane = laneAtY(s.rows, vy + (scrollRef.current?.scrollTop ?? 0));
    if (lane < 0) return clearHover();
    const xz = zoomedScale();
    const t = xz.invert(vx);
    const tol = Math.abs(xz.invert(vx + 3) - t);
    const i = spanAt(s.index, s.spans, lane, t, tol);
    if (i < 0) return clearHover();
    if (i !== hoverRef.current) {
      hoverRef.current = i;
      schedule();
    }
    const d = s.details[s.spans.detail[i] ?? -1];
    const kindIdx = s.spans.kind[i] ?? 0;
    const start = s.spans.startUs[i] ?? 0;
    const end = s.spans.endUs[i] ?? 0;
    const rows: [string, string][] = [['Kind', s.kinds[kindIdx]?.name ?? String(kindIdx)]];
    if (d?.shape) rows.push(['Shape', d.shape]);
    if (d?.flops !== undefined) rows.push(['FLOPs', fmtFlops(d.flops)]);
    if (d?.bytes !== undefined) rows.push(['Bytes', fmtBytes(d.bytes)]);
    rows.push(['Time', fmtUs(d?.timeUs ?? end - start)]);
    if (d?.bound) rows.push(['Bound', d.bound]);
    rows.push(['Span', `${fmtUs(start)} → ${fmtUs(end)}`]);
    const laneInfo = s.lanes[lane];
    if (laneInfo) rows.push(['Lane', laneInfo.group ? `${laneInfo.group} / ${laneInfo.label}` : laneInfo.label]);
    const body = bodyRef.current?.getBoundingClientRect();
    setTip({
      x: e.clientX - (body?.left ?? rect.left),
      y: e.clientY - (body?.top ?? rect.top) + 14,
      title: d?.op ?? s.kinds[kindIdx]?.name ?? 'span',
      color: kindColors[kindIdx],
      rows,
    });
  };

  const onWheel = (e: WheelEvent<HTMLCanvasElement>) => {
    // Shift+wheel scrolls lanes (d3-zoom's filter lets it through without preventDefault).
    if (e.shiftKey && scrollRef.current) scrollRef.current.scrollTop += e.deltaY || e.deltaX;
  };

  const onKeyDown = (e: KeyboardEvent<HTMLCanvasElement>) => {
    const z = zoomRef.current;
    const canvas = canvasRef.current;
    if (!z || !canvas) return;
    const sel = select(canvas);
    const mid: [number, number] = [(gutter + w - RIGHT_PAD) / 2, viewH / 2];
    const k = transformRef.current.k;
    let handled = true;
    switch (e.key) {
      case '+':
      case '=':
        z.scaleBy(sel, 1.5, mid);
        break;
      case '-':
      case '_':
        z.scaleBy(sel, 1 / 1.5, mid);
        break;
      case 'ArrowLeft':
        z.translateBy(sel, 80 / k, 0);
        break;
      case 'ArrowRight':
        z.translateBy(sel, -80 / k, 0);
        break;
      case 'ArrowUp':
        if (scrollRef.current) scrollRef.current.scrollTop -= LANE_H * 3;
        break;
      case 'ArrowDown':
        if (scrollRef.current) scrollRef.current.scrollTop += LANE_H * 3;
        break;
      case '0':
      case 'Home':
        z.transform(sel, zoomIdentity);
        break;
      default:
        handled = false;
    }
    if (handled) e.preventDefault();
  };

  /**
   * Export: title, legend, axis and all lanes (up to 8000 px) painted on an offscreen canvas (PNG), or
   * by the same calls into an SVG recorder (svg-ctx.ts; the frame adds the title to SVG exports).
   */
  const exportCanvas = useCallback(
    (format: 'png' | 'svg' = 'png'): HTMLCanvasElement | SVGSVGElement | null => {
      const s = latest.current;
      const live = canvasRef.current;
      if (!s || !live) return null;
      const scale = 2;
      const palette = readPalette(live, s.kindColors);
      const probe = document.createElement('canvas').getContext('2d');
      if (!probe) return null;
      probe.font = `11px ${palette.font}`;
      // Legend flow.
      const items: { x: number; y: number; name: string; color: string }[] = [];
      let lx = 8;
      let ly = 0;
      s.kinds.forEach((k, i) => {
        const wItem = 16 + probe.measureText(k.name).width + 14;
        if (lx > 8 && lx + wItem > s.w - 8) {
          lx = 8;
          ly += 18;
        }
        items.push({ x: lx, y: ly, name: k.name, color: palette.kinds[i] ?? palette.muted });
        lx += wItem;
      });
      const titleH = format === 'svg' ? 0 : 30;
      const legendH = items.length ? ly + 22 : 0;
      const contentH = Math.min(s.rows.contentHeight, 8000);
      const top = titleH + legendH + AXIS_H;
      const H = top + contentH + 6;
      const svg =
        format === 'svg'
          ? new SvgCtx(s.w, H, (t, f) => {
              probe.font = f;
              return probe.measureText(t).width;
            })
          : null;
      const out = svg ? null : document.createElement('canvas');
      let ctx: Parameters<typeof drawGantt>[0] & { translate(x: number, y: number): void };
      if (svg) ctx = svg;
      else {
        out!.width = Math.round(s.w * scale);
        out!.height = Math.round(H * scale);
        const c2 = out!.getContext('2d');
        if (!c2) return null;
        c2.setTransform(scale, 0, 0, scale, 0, 0);
        ctx = c2;
      }
      ctx.fillStyle = palette.bg;
      ctx.fillRect(0, 0, s.w, H);
      ctx.fillStyle = palette.fg;
      ctx.font = `600 14px ${palette.font}`;
      ctx.textBaseline = 'middle';
      if (!svg) ctx.fillText(s.title, 8, titleH / 2);
      ctx.font = `11px ${palette.font}`;
      for (const it of items) {
        ctx.fillStyle = it.color;
        ctx.fillRect(it.x, titleH + it.y + 4, 12, 10);
        ctx.fillStyle = palette.fg;
        ctx.fillText(it.name, it.x + 17, titleH + it.y + 9.5);
      }
      // Axis.
      const xz = zoomedScale();
      const [a = 0, b = 1] = xz.domain();
      const unit = timeUnitFor(b - a);
      const ticks = xz.ticks(Math.max(2, Math.floor((s.w - s.gutter) / 110)));
      const fmt = timeTickFormat(ticks.length > 1 ? (ticks[1] ?? 0) - (ticks[0] ?? 0) : b - a, unit);
      const axisY = titleH + legendH + AXIS_H - 1;
      ctx.fillStyle = palette.border;
      ctx.fillRect(s.gutter, axisY, s.w - RIGHT_PAD - s.gutter, 1);
      ctx.textAlign = 'center';
      ctx.textBaseline = 'alphabetic';
      for (const t of ticks) {
        const px = xz(t);
        ctx.fillStyle = palette.border;
        ctx.fillRect(px, axisY - 6, 1, 6);
        ctx.fillStyle = palette.muted;
        ctx.fillText(fmt(t), px, axisY - 9);
      }
      ctx.textAlign = 'left';
      ctx.fillStyle = palette.fg;
      ctx.fillText(`Time (${unit.unit})`, 6, axisY - 9);
      ctx.save();
      ctx.translate(0, top);
      drawGantt(ctx, { ...sceneParams(s, xz, palette), height: contentH, scrollTop: 0 });
      ctx.restore();
      if (!svg) return out;
      // Parsed, then attached off-screen for the frame's export (it inlines computed styles), removed after.
      const parsed = new DOMParser().parseFromString(svg.toString(), 'image/svg+xml').documentElement;
      const el = document.importNode(parsed, true) as unknown as SVGSVGElement;
      el.setAttribute('style', 'position:absolute;left:-100000px;top:0');
      document.body.appendChild(el);
      setTimeout(() => el.remove(), 0);
      return el;
    },
    [zoomedScale],
  );

  const groups = new Set(lanes.map((l) => l.group)).size;
  const aria =
    `Gantt timeline: ${lanes.length} lanes${groups > 1 ? ` in ${groups} groups` : ''}, ${index.count.toLocaleString('en-US')} spans ` +
    `over ${fmtUs(index.t1 - index.t0)}. Op kinds: ${kinds.map((k) => k.name).join(', ')}. ` +
    'Wheel or + and − to zoom, drag or arrow keys to pan, double-click or 0 to reset.';

  return (
    <ChartFrame title={title} bodyRef={bodyRef} kind="gantt" formats={['png', 'svg']} getExportElement={exportCanvas}>
      <div style={width !== undefined ? { width } : undefined}>
        <div className="pkv-gantt__legend" aria-hidden="true">
          {kinds.map((k, i) => (
            <span key={`${k.name}-${i}`} className="pkv-gantt__legend-item">
              <span className="pkv-swatch" style={{ background: kindColors[i] }} />
              {k.name}
            </span>
          ))}
        </div>
        <svg className="pkv-gantt__axis" width={w} height={AXIS_H} aria-hidden="true">
          <g ref={unitRef} />
          <g ref={axisRef} transform={`translate(0,${AXIS_H - 1})`} />
        </svg>
        <div className="pkv-gantt__scroll" ref={scrollRef} style={{ height: viewH }} onScroll={schedule}>
          <div ref={spacerRef} style={{ height: rows.contentHeight, position: 'relative' }}>
            <div className="pkv-gantt__sticky" style={{ height: viewH }}>
              <canvas
                ref={canvasRef}
                className="pkv-gantt__canvas"
                role="img"
                aria-label={aria}
                tabIndex={0}
                style={{ width: w, height: viewH }}
                onMouseMove={onMouseMove}
                onMouseLeave={clearHover}
                onWheel={onWheel}
                onKeyDown={onKeyDown}
              >
                {aria}
              </canvas>
            </div>
          </div>
        </div>
        <div className="pkv-gantt__hint">
          Wheel: zoom · drag: pan · double-click: reset · wheel over labels or shift+wheel: scroll lanes
        </div>
      </div>
      <ChartTooltip tip={tip} containerWidth={w} />
    </ChartFrame>
  );
}
