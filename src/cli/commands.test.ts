import { describe, expect, it } from 'vitest';
import { main } from './main.ts';
import { fakeIo } from './fake-io.ts';

const chat = {
  version: 1,
  model: 'llama-3.1-8b',
  cluster: { gpu: 'h100-sxm', nodes: 1, gpusPerNode: 8 },
  plan: { tp: 2, dp: 1 },
  runtime: { kvBlockSize: 16 },
  workload: {
    // A lognormal chat prompt: the limit must cover its tail, not its 1,000-token median.
    input: { kind: 'lognormal', median: 1000, sigma: 0.5 },
    output: { kind: 'fixed', tokens: 256 },
    arrival: { kind: 'poisson', ratePerSec: 2 },
  },
};

describe('parakv commands', () => {
  it('prints every engine with the context limit at the p99.9 request, rounded up to the block size', async () => {
    const f = fakeIo({ 's.json': JSON.stringify(chat) });
    expect(await main(['commands', 's.json'], f.io)).toBe(0);
    const out = f.out();
    // 1000·e^(3.0902·0.5) = 4,689 prompt + 256 output = 4,945 → 310 blocks of 16 = 4,960.
    expect(out).toMatch(/^# context limit 4,960 tokens: the longest request \(4,945 tokens, p99\.9/);
    expect(out).toMatch(/## vLLM\nvllm serve meta-llama\/Llama-3\.1-8B/);
    expect(out).toContain('--max-model-len 4960');
    expect(out).toContain('--context-length 4960');
    expect(out).toContain('--max_seq_len 4960');
    expect(out).toContain('--tensor-parallel-size 2');
  });

  it('--engine picks one engine; a bad engine or file is one line and exit 2', async () => {
    const f = fakeIo({ 's.json': JSON.stringify(chat) });
    expect(await main(['commands', 's.json', '--engine', 'sglang'], f.io)).toBe(0);
    expect(f.out()).toContain('## SGLang');
    expect(f.out()).not.toContain('## vLLM');
    const g = fakeIo({ 's.json': JSON.stringify(chat) });
    expect(await main(['commands', 's.json', '--engine', 'tgi'], g.io)).toBe(2);
    expect(g.err()).toBe('parakv: --engine must be one of vllm, sglang, trtllm (got "tgi")\n');
    const h = fakeIo({ 's.json': JSON.stringify({ ...chat, plan: { tp: 0 } }) });
    expect(await main(['commands', 's.json'], h.io)).toBe(2);
    expect(h.err().trim().split('\n')).toHaveLength(1);
  });
});
