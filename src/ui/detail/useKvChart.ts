/**
 * The KV capacity chart of a scenario, built off the critical path (issue 14 §7): a cached chart is
 * returned at once; otherwise the chart is built one strategy per macrotask (state/evaluation.ts
 * kvChartInSteps) while the previous chart stays on screen marked pending. The first chart of a
 * mount has nothing to show meanwhile, so it reports `pending` with a placeholder outcome.
 */
import { useEffect, useState } from 'react';
import type { KvCapacityChart } from '../../core/views/kv.ts';
import { kvChartCached, kvChartInSteps, type Outcome } from '../../state/evaluation.ts';
import type { Scenario } from '../../core/scenario/schema.ts';

const BUILDING: Outcome<KvCapacityChart> = { ok: false, field: null, message: 'building the chart…' };

export function useKvChart(s: Scenario): { chart: Outcome<KvCapacityChart>; pending: boolean } {
  const cached = kvChartCached(s);
  const [last, setLast] = useState<{ s: Scenario; chart: Outcome<KvCapacityChart> } | null>(null);
  useEffect(() => {
    if (kvChartCached(s)) return;
    let cancelled = false;
    void kvChartInSteps(s, () => cancelled).then((chart) => {
      if (!cancelled && chart) setLast({ s, chart });
    });
    return () => {
      cancelled = true;
    };
  }, [s]);
  if (cached) return { chart: cached, pending: false };
  return { chart: last?.chart ?? BUILDING, pending: true };
}
