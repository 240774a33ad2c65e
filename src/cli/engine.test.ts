import { describe, expect, it } from 'vitest';
import { fakeIo } from './fake-io.ts';
import { main } from './main.ts';

describe('runtime.engine through the CLI', () => {
  it('an unknown engine name is a one-line CLI error naming the field and the choices', async () => {
    const bad = JSON.stringify({
      version: 1,
      model: 'llama-3.1-8b',
      cluster: { gpu: 'h100-sxm' },
      runtime: { engine: { name: 'tgi' } },
    });
    const f = fakeIo({ 'x.json': bad });
    expect(await main(['evaluate', 'x.json'], f.io)).toBe(2);
    expect(f.err().trim()).toMatch(/runtime\.engine\.name must be one of vllm, sglang, trtllm/);
    expect(f.err().trim().split('\n')).toHaveLength(1);
  });
});
