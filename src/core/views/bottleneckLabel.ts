/**
 * A two-to-four-word bottleneck label for table cells, read off the engine's own sentence
 * (core/evaluate/bottleneck.ts `describeBottleneck`, plus evaluate.ts's "Does not fit" / "Overloaded"
 * prefixes). The full sentence stays available as the cell's description.
 */
import type { EvaluationResult } from '../evaluate/evaluate.ts';

const TOP: readonly [RegExp, string][] = [
  [/^reading weights/, 'Weights'],
  [/^GEMM compute/, 'GEMM compute'],
  [/^reading the KV cache/, 'KV reads'],
  [/^communication/, 'Comms'],
  [/^kernel-launch/, 'Launch/host'],
];

export function bottleneckLabel(r: Pick<EvaluationResult, 'bottleneck' | 'memory' | 'metrics'>): string {
  if (!r.memory.fits) return 'Does not fit';
  if (r.metrics.overloaded) return 'Overloaded';
  const m = /dominated by (.+?) \((\d+)%\)/.exec(r.bottleneck);
  let label = 'Mixed';
  if (m) {
    const what = m[1] ?? '';
    label = `${TOP.find(([re]) => re.test(what))?.[1] ?? what} ${m[2]}%`;
  }
  if (/KV-cache capacity caps the batch/.test(r.bottleneck)) label += ' · KV cap';
  else if (/maxNumSeqs caps the batch/.test(r.bottleneck)) label += ' · seq cap';
  return label;
}
