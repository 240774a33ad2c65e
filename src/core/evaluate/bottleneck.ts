/**
 * Explain what limits a plan, in words, from the op breakdown of a representative decode step and the
 * concurrency limit.
 */
import type { OpCost } from '../cost/roofline.ts';

export interface TimeShares {
  weightsAndGemmS: number;
  kvAttentionS: number;
  communicationS: number;
  overheadS: number;
  otherS: number;
}

export function timeShares(ops: readonly OpCost[]): TimeShares {
  const s: TimeShares = { weightsAndGemmS: 0, kvAttentionS: 0, communicationS: 0, overheadS: 0, otherS: 0 };
  for (const op of ops) {
    const t = op.timeS * op.count;
    if (op.kind === 'gemm' || op.kind === 'moe') s.weightsAndGemmS += t;
    else if (op.kind === 'attention') s.kvAttentionS += t;
    else if (op.kind === 'collective' || op.kind === 'p2p' || op.kind === 'kv-transfer') s.communicationS += t;
    else if (op.kind === 'overhead') s.overheadS += t;
    else s.otherS += t;
  }
  return s;
}

const pct = (x: number, total: number) => `${Math.round((100 * x) / Math.max(total, 1e-12))}%`;

export function describeBottleneck(
  decodeOps: readonly OpCost[],
  limitedBy: string,
  concurrency: number,
  computeBound: boolean,
): string {
  const s = timeShares(decodeOps);
  const total = s.weightsAndGemmS + s.kvAttentionS + s.communicationS + s.overheadS + s.otherS;
  const parts: [string, number][] = [
    [computeBound ? 'GEMM compute' : 'reading weights (GEMMs)', s.weightsAndGemmS],
    ['reading the KV cache (attention)', s.kvAttentionS],
    ['communication (all-reduce / all-to-all / pipeline sends)', s.communicationS],
    ['kernel-launch and host overhead', s.overheadS],
  ];
  parts.sort((a, b) => b[1] - a[1]);
  const [top, second] = parts;
  const step = `A decode step is dominated by ${top![0]} (${pct(top![1], total)}), then ${second![0]} (${pct(second![1], total)}).`;
  const limit =
    limitedBy === 'kv-cache'
      ? ` KV-cache capacity caps the batch at ${Math.floor(concurrency)} sequences: a smaller KV dtype or more GPUs raise it.`
      : limitedBy === 'max-num-seqs'
        ? ` maxNumSeqs caps the batch at ${Math.floor(concurrency)} sequences; the KV cache could hold more.`
        : ` The offered load sets the batch at ~${concurrency.toFixed(1)} sequences.`;
  return step + limit;
}
