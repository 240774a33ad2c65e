import { describe, expect, it } from 'vitest';
import { fakeIo } from './fake-io.ts';
import { main } from './main.ts';

const scenario = (model: string) =>
  JSON.stringify({
    version: 1,
    model,
    cluster: { gpu: 'h100-sxm', nodes: 1, gpusPerNode: 2 },
    slo: { ttftMs: 5000, tpotMs: 100 },
    workload: { inputTokens: 1024, outputTokens: 256, requests: 100, arrival: { kind: 'concurrency', users: 4 } },
  });

describe('parakv search --speculative', () => {
  it('tries off and MTP-1 and says why MTP wins on per-user latency', async () => {
    const f = fakeIo({ 's.json': scenario('qwen3.5-35b-a3b') });
    const argv = ['search', 's.json', '--speculative', 'off,mtp:1@0.8', '--objective', 'tpot-p50', '--fast', '--json'];
    expect(await main(argv, f.io)).toBe(0);
    const r = JSON.parse(f.out());
    expect(r.ranked[0].knobs.speculative.id).toBe('mtp1@0.8');
    expect(r.ranked[0].reason).toMatch(/^MTP-1 at 0\.80 acceptance: 1\.\d× faster decode per user/);
  });

  it('bad tokens and MTP on a model without heads exit 2 naming the option', async () => {
    const a = fakeIo({ 's.json': scenario('llama-3.1-8b') });
    expect(await main(['search', 's.json', '--speculative', 'off,medusa:2'], a.io)).toBe(2);
    expect(a.err()).toMatch(/--speculative: "medusa:2" is not off or method:k\[@acceptance\]/);
    const b = fakeIo({ 's.json': scenario('llama-3.1-8b') });
    expect(await main(['search', 's.json', '--speculative', 'off,mtp:1', '--fast'], b.io)).toBe(2);
    expect(b.err()).toMatch(/speculative: \[1\]: mtp needs multi-token-prediction heads/);
  });
});
