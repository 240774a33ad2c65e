/**
 * Gantt layout (pure; runs in Node). Three spaces meet in the Gantt:
 *  - time space: microseconds, as in the span table (startUs / endUs);
 *  - content space: px from the top of the first lane row, over all lanes (can exceed the viewport);
 *  - view space: CSS px of the canvas viewport: x = gutter + zoomed time scale, y = content − scrollTop.
 * The canvas backing store is view space × devicePixelRatio (applied once with setTransform).
 *
 * Spans are struct-of-arrays. Per lane we keep span indices sorted by start plus a running maximum
 * of end times, so "first span that ends after t" is a binary search even if spans overlap.
 */

export interface SpanTable {
  lane: Uint16Array;
  startUs: Float64Array;
  endUs: Float64Array;
  kind: Uint8Array;
  /** Index into `details` per span. */
  detail: number[];
}

export interface LaneIndex {
  /** Per lane: span indices sorted by startUs. */
  order: Uint32Array[];
  /** Per lane: prefixMaxEnd[i] = max(endUs of order[0..i]); non-decreasing. */
  prefixMaxEnd: Float64Array[];
  /** Overall time extent [min start, max end] in µs ([0, 1] when empty). */
  t0: number;
  t1: number;
  count: number;
}

/** Sort spans per lane by start time and precompute running max end. Spans on unknown lanes are ignored. */
export function buildLaneIndex(spans: SpanTable, laneCount: number): LaneIndex {
  const n = Math.min(spans.lane.length, spans.startUs.length, spans.endUs.length);
  const counts = new Uint32Array(laneCount);
  let t0 = Infinity;
  let t1 = -Infinity;
  for (let i = 0; i < n; i++) {
    const l = spans.lane[i] ?? 0;
    const s = spans.startUs[i] ?? 0;
    const e = spans.endUs[i] ?? 0;
    if (l >= laneCount || !Number.isFinite(s) || !Number.isFinite(e)) continue;
    counts[l] = (counts[l] ?? 0) + 1;
    if (s < t0) t0 = s;
    if (e > t1) t1 = e;
  }
  const order = Array.from({ length: laneCount }, (_, l) => new Uint32Array(counts[l] ?? 0));
  const fill = new Uint32Array(laneCount);
  for (let i = 0; i < n; i++) {
    const l = spans.lane[i] ?? 0;
    const s = spans.startUs[i] ?? 0;
    const e = spans.endUs[i] ?? 0;
    if (l >= laneCount || !Number.isFinite(s) || !Number.isFinite(e)) continue;
    const arr = order[l];
    const at = fill[l] ?? 0;
    if (arr) arr[at] = i;
    fill[l] = at + 1;
  }
  const starts = spans.startUs;
  const prefixMaxEnd = order.map((arr) => {
    // Typed-array sort with a comparator; already-sorted input (the common case) is cheap.
    arr.sort((a, b) => (starts[a] ?? 0) - (starts[b] ?? 0) || a - b);
    const pm = new Float64Array(arr.length);
    let m = -Infinity;
    for (let j = 0; j < arr.length; j++) {
      const e = spans.endUs[arr[j] ?? 0] ?? 0;
      if (e > m) m = e;
      pm[j] = m;
    }
    return pm;
  });
  if (!(t1 > t0)) {
    if (Number.isFinite(t0)) t1 = t0 + 1;
    else {
      t0 = 0;
      t1 = 1;
    }
  }
  return { order, prefixMaxEnd, t0, t1, count: n };
}

/** First position i in a non-decreasing array with a[i] > t (a.length when none): binary search. */
export function firstVisible(prefixMaxEnd: ArrayLike<number>, t: number): number {
  let lo = 0;
  let hi = prefixMaxEnd.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((prefixMaxEnd[mid] ?? Infinity) > t) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Span index on `lane` under time `t`, or the nearest one within `tolUs` (for spans thinner than a
 * pixel); −1 if none.
 */
export function spanAt(index: LaneIndex, spans: SpanTable, lane: number, t: number, tolUs = 0): number {
  const order = index.order[lane];
  const pm = index.prefixMaxEnd[lane];
  if (!order || !pm) return -1;
  let best = -1;
  let bestDist = Infinity;
  for (let j = firstVisible(pm, t - tolUs); j < order.length; j++) {
    const i = order[j] ?? 0;
    const s = spans.startUs[i] ?? 0;
    if (s > t + tolUs) break;
    const e = spans.endUs[i] ?? 0;
    const d = t < s ? s - t : t > e ? t - e : 0;
    if (
      d <= tolUs &&
      (d < bestDist || (d === bestDist && e - s < (spans.endUs[best] ?? 0) - (spans.startUs[best] ?? 0)))
    ) {
      best = i;
      bestDist = d;
    }
  }
  return best;
}

export interface LaneInfo {
  label: string;
  group: string;
}

export interface Row {
  type: 'group' | 'lane';
  label: string;
  /** Lane index for lane rows, −1 for group headers. */
  lane: number;
  /** Content-space top and height, px. */
  y: number;
  h: number;
}

export interface RowLayout {
  rows: Row[];
  /** Content-space top of each lane's row. */
  laneY: Float64Array;
  laneH: number;
  contentHeight: number;
}

/**
 * Lay out lane rows, inserting a header row whenever the group changes (consecutive lanes with the
 * same group share one header; an all-empty group set has no headers).
 */
export function layoutRows(lanes: readonly LaneInfo[], laneH = 20, groupH = 18): RowLayout {
  const rows: Row[] = [];
  const laneY = new Float64Array(lanes.length);
  const anyGroup = lanes.some((l) => l.group !== '');
  let y = 0;
  let prev: string | null = null;
  lanes.forEach((l, i) => {
    if (anyGroup && l.group !== prev) {
      rows.push({ type: 'group', label: l.group, lane: -1, y, h: groupH });
      y += groupH;
      prev = l.group;
    }
    rows.push({ type: 'lane', label: l.label, lane: i, y, h: laneH });
    laneY[i] = y;
    y += laneH;
  });
  return { rows, laneY, laneH, contentHeight: y };
}

/** Lane under content-space y (−1 over headers or outside). */
export function laneAtY(layout: RowLayout, y: number): number {
  const rows = layout.rows;
  let lo = 0;
  let hi = rows.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const r = rows[mid];
    if (!r) break;
    if (y < r.y) hi = mid - 1;
    else if (y >= r.y + r.h) lo = mid + 1;
    else return r.type === 'lane' ? r.lane : -1;
  }
  return -1;
}

export interface TimeUnit {
  unit: 'ns' | 'µs' | 'ms' | 's';
  /** Divide µs by this to get the unit. */
  div: number;
}

/** Display unit for a visible window of `spanUs` µs. */
export function timeUnitFor(spanUs: number): TimeUnit {
  if (spanUs < 2) return { unit: 'ns', div: 1e-3 };
  if (spanUs < 5_000) return { unit: 'µs', div: 1 };
  if (spanUs < 5_000_000) return { unit: 'ms', div: 1e3 };
  return { unit: 's', div: 1e6 };
}

/** Tick formatter for tick values (µs) with the given step, in `unit`: decimals just enough to tell ticks apart. */
export function timeTickFormat(stepUs: number, unit: TimeUnit): (us: number) => string {
  const step = stepUs / unit.div;
  const decimals = step > 0 ? Math.max(0, Math.min(6, -Math.floor(Math.log10(step) + 1e-9))) : 0;
  return (us) => {
    const v = us / unit.div;
    return (Math.abs(v) < 1e-12 ? 0 : v).toFixed(decimals);
  };
}

/** Largest zoom factor: the visible window never gets narrower than `minWindowUs`. */
export function maxZoom(durationUs: number, minWindowUs = 0.5): number {
  return Math.max(1, durationUs / minWindowUs);
}

/** Gutter width for lane labels from their text (est. 6.4 px/char at 11px), clamped to [84, 220]. */
export function gutterWidth(lanes: readonly LaneInfo[]): number {
  let maxChars = 0;
  for (const l of lanes) maxChars = Math.max(maxChars, l.label.length + 2, l.group.length);
  return Math.round(Math.min(220, Math.max(84, maxChars * 6.4 + 18)));
}

/**
 * The zoom transform (k, tx) that shows time window [a, b] given the base scale mapping
 * [t0, t1] → [r0, r1]: zoomed(t) = k · base(t) + tx. Used to keep the visible window on resize.
 */
export function transformForWindow(
  [t0, t1]: readonly [number, number],
  [r0, r1]: readonly [number, number],
  [a, b]: readonly [number, number],
): { k: number; tx: number } {
  const base = (t: number) => r0 + ((t - t0) / (t1 - t0)) * (r1 - r0);
  const k = Math.max(1, (r1 - r0) / (base(b) - base(a) || 1));
  return { k, tx: r0 - k * base(a) };
}
