/**
 * Greedy 1-D label de-collision (pure). Each label wants to start at `at` and occupies `size` px
 * along one axis; the result keeps the order of the wanted positions, leaves at least `gap` px between
 * neighbours, and stays inside [lo, hi] whenever the labels fit there at all.
 *
 * Forward pass: push each label past the previous one. Backward pass: if the last one runs past `hi`,
 * pull it back and push its predecessors back in turn. A final forward pass from `lo` restores the
 * spacing if the backward pass went under `lo` (the labels then overflow `hi` rather than overlap).
 */
export interface SpreadItem {
  at: number;
  size: number;
}

export function spreadLabels(items: readonly SpreadItem[], lo: number, hi: number, gap = 2): number[] {
  const order = items.map((_, i) => i).sort((a, b) => (items[a]?.at ?? 0) - (items[b]?.at ?? 0));
  const pos = items.map((it) => it.at);
  const size = (i: number) => items[i]?.size ?? 0;
  const get = (k: number) => pos[order[k] ?? 0] ?? 0;
  const put = (k: number, v: number) => {
    pos[order[k] ?? 0] = v;
  };
  for (let k = 1; k < order.length; k++) {
    const prev = order[k - 1] ?? 0;
    put(k, Math.max(get(k), get(k - 1) + size(prev) + gap));
  }
  const n = order.length;
  if (n && get(n - 1) + size(order[n - 1] ?? 0) > hi) {
    put(n - 1, hi - size(order[n - 1] ?? 0));
    for (let k = n - 2; k >= 0; k--) put(k, Math.min(get(k), get(k + 1) - size(order[k] ?? 0) - gap));
  }
  if (n && get(0) < lo) {
    put(0, lo);
    for (let k = 1; k < n; k++) put(k, Math.max(get(k), get(k - 1) + size(order[k - 1] ?? 0) + gap));
  }
  return pos;
}
