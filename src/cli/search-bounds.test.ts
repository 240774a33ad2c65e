/** Issue 16 §4 at the CLI: a too-large space is refused from the count, and --max-candidates has a ceiling. */
import { describe, expect, it } from 'vitest';
import { fakeIo } from './fake-io.ts';
import { runSearch } from './search.ts';

const huge = JSON.stringify({
  version: 1,
  model: 'deepseek-v3',
  precision: { weights: 'fp8', activations: 'fp8', kvCache: 'fp8' },
  cluster: { gpu: 'h200', nodes: 1024, gpusPerNode: 128 },
});

describe('parakv search bounds', () => {
  // Took 70–200 s before (the count built the space, then the search built it again).
  it('refuses DeepSeek-V3 on 1024 × 128 H200 with exit 2 and one line naming the knob', async () => {
    const f = fakeIo({ 'ds.json': huge });
    expect(await runSearch(['ds.json', '--fast', '--allow-disagg'], f.io)).toBe(2);
    expect(f.err()).toMatch(
      /^parakv search: allowDisaggregation: the search space has [\d,]+ candidates, more than maxCandidates = 200,000; /,
    );
    expect(f.err().trimEnd().split('\n')).toHaveLength(1);
    expect(f.out()).toBe('');
  });

  it('--max-candidates above the hard ceiling is refused, naming the flag and the ceiling', async () => {
    const f = fakeIo({ 'ds.json': huge });
    expect(await runSearch(['ds.json', '--fast', '--max-candidates', '25700000'], f.io)).toBe(2);
    expect(f.err()).toBe(
      'parakv search: --max-candidates: 25,700,000 is over the hard ceiling of 10,000,000; narrow the space instead (--kv, --kv-strategies, --max-num-seqs, --replicas max)\n',
    );
  });
});
