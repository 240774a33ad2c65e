/**
 * Benchmark-result parsers (4 formats, issue 15): `parseBenchmark` and `detectBenchFormat` on line- and
 * text-level mutations of the samples in data/samples/bench and on random text. Both never throw; a
 * parsed run has finite, positive lengths and finite, positive measurements.
 */
import { detectBenchFormat, parseBenchmark } from '../../core/calibrate/parse/index.ts';
import { BENCH_FORMATS, type BenchFormat } from '../../core/calibrate/types.ts';
import { readCorpus } from '../corpus.ts';
import { hostileValue, mutateText, randomText } from '../mutate.ts';
import type { Rng } from '../rng.ts';
import { FuzzInvariantError, preview, type FuzzSurface } from '../types.ts';

export interface BenchInput {
  /** Forced parser, or undefined to detect. */
  format: BenchFormat | undefined;
  text: string;
}

/** Drop, duplicate or swap lines, or replace one number/string with a hostile value. */
function mutateLines(rng: Rng, text: string): string {
  const lines = text.split('\n');
  for (let r = rng.int(1, 4); r > 0 && lines.length > 0; r--) {
    const i = rng.int(0, lines.length - 1);
    switch (rng.int(0, 3)) {
      case 0:
        lines.splice(i, 1);
        break;
      case 1:
        lines.splice(i, 0, ...Array.from({ length: rng.int(1, 500) }, () => lines[i]!));
        break;
      case 2: {
        const j = rng.int(0, lines.length - 1);
        [lines[i], lines[j]] = [lines[j]!, lines[i]!];
        break;
      }
      default: {
        const v = JSON.stringify(hostileValue(rng)) ?? 'null';
        lines[i] = lines[i]!.replace(/-?\d+(\.\d+)?|"[^"]*"/, v);
      }
    }
  }
  return lines.join(rng.chance(0.1) ? '\r\n' : '\n');
}

export const benchSurface: FuzzSurface<BenchInput, string[]> = {
  name: 'bench',
  description: 'parseBenchmark (4 formats) + detectBenchFormat on mutated data/samples/bench and random text',
  expectedErrors: [],
  setup() {
    return readCorpus('data/samples/bench', ['.json', '.jsonl', '.txt']).map((f) => f.text);
  },
  generate(rng, ctx) {
    const base = rng.pick(ctx);
    const kind = rng.int(0, 9);
    const text = kind <= 4 ? mutateLines(rng, base) : kind <= 8 ? mutateText(rng, base) : randomText(rng);
    return { format: rng.chance(0.3) ? rng.pick(BENCH_FORMATS) : undefined, text };
  },
  run({ format, text }) {
    detectBenchFormat(text);
    const r = parseBenchmark(text, 'fuzz', format);
    if (r.ok) {
      for (const p of r.points) {
        const nums = [p.inputTokens, p.outputTokens, p.requests, ...Object.values(p.measured)];
        if (!nums.every((v) => Number.isFinite(v) && v > 0))
          throw new FuzzInvariantError(`${p.where}: a non-finite or non-positive field: ${JSON.stringify(p)}`);
      }
    } else if (typeof r.message !== 'string' || r.message.length === 0) {
      throw new FuzzInvariantError('parseBenchmark refused without a message');
    }
    return r;
  },
  describe: ({ format, text }) => `${format ?? 'detect'}: ${preview(text)}`,
};
