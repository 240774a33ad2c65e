/**
 * Request timeline from a simulated run: one lane per request (grouped by the instance that served
 * it), with its time queued, in prefill (admission → first token) and decoding (first token → last).
 * Built from the simulator's per-request timestamps only.
 */
import type { SimTimeline } from '../evaluate/simulated.ts';

export const REQUEST_KINDS = ['queued', 'prefill', 'decode'] as const;

export interface RequestTimeline {
  lanes: { label: string; group: string }[];
  spans: { lane: Uint16Array; startUs: Float64Array; endUs: Float64Array; kind: Uint8Array; detail: number[] };
  details: { op: string; timeUs: number }[];
  shown: number;
  total: number;
}

/** The first `maxRequests` requests by arrival that finished, laid out per instance. */
export function requestTimeline(t: SimTimeline, maxRequests = 400): RequestTimeline {
  const r = t.requests;
  const n = r.arrivalS.length;
  const idx: number[] = [];
  for (let i = 0; i < n; i++) if (Number.isFinite(r.endS[i]!) && Number.isFinite(r.firstTokenS[i]!)) idx.push(i);
  idx.sort((a, b) => r.arrivalS[a]! - r.arrivalS[b]! || a - b);
  const chosen = idx
    .slice(0, maxRequests)
    .sort((a, b) => r.instance[a]! - r.instance[b]! || r.arrivalS[a]! - r.arrivalS[b]! || a - b);
  const lanes: RequestTimeline['lanes'] = [];
  const lane: number[] = [];
  const start: number[] = [];
  const end: number[] = [];
  const kind: number[] = [];
  const detail: number[] = [];
  const details: RequestTimeline['details'] = [];
  const push = (l: number, a: number, b: number, k: number, what: string) => {
    if (!(b > a)) return;
    lane.push(l);
    start.push(a * 1e6);
    end.push(b * 1e6);
    kind.push(k);
    details.push({ op: what, timeUs: (b - a) * 1e6 });
    detail.push(details.length - 1);
  };
  for (const i of chosen) {
    const l = lanes.length;
    const pre = r.prefillInstance[i]!;
    const inst = r.instance[i]!;
    lanes.push({
      label: `req ${i}`,
      group: pre !== inst ? `Prefill instance ${pre} → decode instance ${inst}` : `Instance ${inst}`,
    });
    const a = r.arrivalS[i]!;
    const p = Number.isFinite(r.prefillStartS[i]!) ? r.prefillStartS[i]! : a;
    push(l, a, p, 0, `request ${i}: queued`);
    push(l, p, r.firstTokenS[i]!, 1, `request ${i}: prefill until the first token`);
    push(l, r.firstTokenS[i]!, r.endS[i]!, 2, `request ${i}: decoding`);
  }
  return {
    lanes,
    spans: {
      lane: Uint16Array.from(lane),
      startUs: Float64Array.from(start),
      endUs: Float64Array.from(end),
      kind: Uint8Array.from(kind),
      detail,
    },
    details,
    shown: chosen.length,
    total: idx.length,
  };
}
