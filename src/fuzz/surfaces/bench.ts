/**
 * Benchmark-result parsers (4 formats, issue 15): `parseBenchmark` and `detectBenchFormat` on line- and
 * text-level mutations of the samples in data/samples/bench and on random text. Both never throw; a
 * parsed run has finite, positive lengths and finite, positive measurements.
 */
import { detectBenchFormat, parseBenchmark } from '../../core/calibrate/parse/index.ts';
import { BENCH_FORMATS, type BenchFormat } from '../../core/calibrate/types.ts';
import { readCorpus } from '../corpus.ts';
import { mutateLines, mutateText, randomText } from '../mutate.ts';
import { FuzzInvariantError, preview, type FuzzSurface } from '../types.ts';

export interface BenchInput {
  /** Forced parser, or undefined to detect. */
  format: BenchFormat | undefined;
  text: string;
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
    const text = kind <= 4 ? mutateLines(rng, base, 500) : kind <= 8 ? mutateText(rng, base) : randomText(rng);
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
