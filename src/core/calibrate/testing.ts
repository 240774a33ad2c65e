/**
 * Benchmark files generated from a deliberately perturbed profile: the engine's own predictions under
 * known factors, written in a tool's result format. Used by the recovery test and bench/calibrate.ts.
 */
import { predict } from './fit.ts';
import type { CalibrationFactors } from './schema.ts';
import type { Scenario } from '../scenario/schema.ts';
import { pointScenario } from './match.ts';

export interface GridRun {
  concurrency: number;
  inputTokens: number;
  outputTokens: number;
}

/** `n` runs over concurrency × prompt × output lengths, deterministic. */
export function runGrid(n: number): GridRun[] {
  const conc = [1, 2, 4, 8, 16, 32, 64, 128];
  const isl = [128, 512, 1024, 2048, 4096];
  const osl = [64, 128, 256, 512];
  return Array.from({ length: n }, (_, i) => ({
    concurrency: conc[i % conc.length]!,
    inputTokens: isl[Math.floor(i / conc.length) % isl.length]!,
    outputTokens: osl[Math.floor(i / (conc.length * isl.length)) % osl.length]! + (i % 3) * 16,
  }));
}

/** One `vllm bench serve --save-result` JSON per run, measured by the engine under factors `truth`. */
export function perturbedVllmFiles(
  s: Scenario,
  runs: readonly GridRun[],
  truth: CalibrationFactors,
  model: string,
  gpus: number,
): { name: string; text: string }[] {
  const completed = 200;
  return runs.map((r, i) => {
    const sc = pointScenario(s, {
      format: 'vllm-bench-serve',
      where: '',
      requests: completed,
      concurrency: r.concurrency,
      inputTokens: r.inputTokens,
      outputTokens: r.outputTokens,
      measured: {},
    });
    const m = predict(sc, truth);
    return {
      name: `run-${i}.json`,
      text: JSON.stringify({
        backend: 'vllm',
        model_id: model,
        max_concurrency: r.concurrency,
        request_rate: 'inf',
        completed,
        total_input_tokens: completed * r.inputTokens,
        total_output_tokens: completed * r.outputTokens,
        mean_ttft_ms: m.ttftMs,
        mean_tpot_ms: m.tpotMs,
        output_throughput: m.outputTokPerSec,
        gpus,
        tp: gpus,
      }),
    };
  });
}
