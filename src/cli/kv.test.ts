import { describe, expect, it } from 'vitest';
import { fakeIo } from './fake-io.ts';
import { main } from './main.ts';

const long = (kvStrategy?: unknown, precision?: unknown) =>
  JSON.stringify({
    version: 1,
    model: 'llama-3.1-8b',
    cluster: { gpu: 'h100-sxm', nodes: 1, gpusPerNode: 1 },
    ...(precision ? { precision } : {}),
    runtime: kvStrategy ? { kvStrategy } : {},
    workload: { inputTokens: 130_048, outputTokens: 1024, requests: 64 },
  });

const kvBound = JSON.stringify({
  version: 1,
  model: 'llama-3.1-8b',
  cluster: { gpu: 'h100-sxm', nodes: 1, gpusPerNode: 2 },
  workload: { inputTokens: 30_000, outputTokens: 1000, requests: 500 },
});

describe('parakv evaluate with a KV strategy', () => {
  it('the table shows the strategy effect: bytes per token, per sequence, sequences, decode reads', async () => {
    const f = fakeIo({ 's.json': long({ quant: { dtype: 'kivi2' } }) });
    expect(await main(['evaluate', 's.json', '--format', 'table', '--fast'], f.io)).toBe(0);
    const out = f.out();
    expect(out).toMatch(/KV 24.6 kB\/token/);
    expect(out).toMatch(/^KV strategy: KIVI-2 \(approximate\) — KIVI 2-bit: approximate; 5\.3× smaller KV/m);
    expect(out).toMatch(/stored per token +24.6 kB +131 kB/);
    expect(out).toMatch(/HBM per sequence +3\.24 GB/);
    expect(out).toMatch(/capacity: 18 sequences in HBM/);
    expect(out).toMatch(/max concurrent seqs 18/);
  });

  it('host offload: HBM vs tiers and the swap cost; JSON carries the kv section', async () => {
    const f = fakeIo({ 's.json': long({ offload: { hostGB: 240 } }) });
    expect(await main(['evaluate', 's.json', '--format', 'table', '--fast'], f.io)).toBe(0);
    expect(f.out()).toMatch(/capacity: 3 sequences in HBM, 17 with the host\/NVMe tiers/);
    expect(f.out()).toMatch(
      /transfers: tiers 240 GB host per GPU over 64 GB\/s, layer-wise prefetch · swap preemption \d+ ms per sequence/,
    );
    const j = fakeIo({ 's.json': long({ quant: { dtype: 'fp8' } }) });
    expect(await main(['evaluate', 's.json', '--fast'], j.io)).toBe(0);
    const r = JSON.parse(j.out());
    expect(r.kv).toMatchObject({ label: 'fp8 KV', fidelity: 'near-lossless', storedBytesPerToken: 65_536, hbmSeqs: 6 });
    const plain = fakeIo({ 's.json': long() });
    expect(await main(['evaluate', 's.json', '--fast'], plain.io)).toBe(0);
    expect('kv' in JSON.parse(plain.out())).toBe(false);
  });

  it('a quant strategy that conflicts with precision.kvCache: exit 2 naming the field', async () => {
    const f = fakeIo({ 's.json': long({ quant: { dtype: 'kivi2' } }, { kvCache: 'fp8' }) });
    expect(await main(['evaluate', 's.json', '--fast'], f.io)).toBe(2);
    expect(f.err()).toMatch(/runtime\.kvStrategy\.quant\.dtype: kivi2 conflicts with precision\.kvCache = fp8/);
  });
});

describe('parakv search --kv-strategies', () => {
  it('ranks fp8 over bf16 and lists KIVI-2 / H2O as not allowed: lossy', async () => {
    const f = fakeIo({ 's.json': kvBound });
    expect(await main(['search', 's.json', '--kv-strategies', 'bf16,fp8,kivi2,h2o', '--fast'], f.io)).toBe(0);
    const out = f.out();
    expect(out).toMatch(
      /KV strategies ranked: bf16 KV, fp8 KV; not allowed \(lossy\): KIVI-2, H2O 20% — --allow-lossy to rank them/,
    );
    const rows = out.split('\n').filter((l) => /^\d+ /.test(l));
    expect(rows[0]).toMatch(/· fp8 KV /);
    expect(out).toMatch(
      / 1\. fp8 KV \(near-lossless\) doubles concurrency \(28 vs 14 seqs\): 1\.\d+× throughput\/GPU vs bf16 KV; KIVI-2, H2O 20% not allowed: lossy/,
    );
    expect(out).toMatch(/TP1 DP1 · KIVI-2: KIVI-2 not allowed: lossy/);
  });

  it('--allow-lossy lets KIVI-2 and H2O rank; --exact-only refuses fp8 too; a bad name exits 2', async () => {
    const a = fakeIo({ 's.json': kvBound });
    expect(
      await main(
        ['search', 's.json', '--kv-strategies', 'bf16,fp8,kivi2,h2o', '--allow-lossy', '--fast', '--json'],
        a.io,
      ),
    ).toBe(0);
    const j = JSON.parse(a.out());
    expect(['kivi2', 'h2o']).toContain(j.ranked[0].knobs.kvStrategy.id);
    expect(j.rejected).toHaveLength(0);
    const e = fakeIo({ 's.json': kvBound });
    expect(
      await main(['search', 's.json', '--kv-strategies', 'bf16,fp8', '--exact-only', '--fast', '--json'], e.io),
    ).toBe(0);
    expect(
      JSON.parse(e.out()).ranked.every(
        (p: { knobs: { kvStrategy: { id: string } } }) => p.knobs.kvStrategy.id === 'bf16',
      ),
    ).toBe(true);
    const b = fakeIo({ 's.json': kvBound });
    expect(await main(['search', 's.json', '--kv-strategies', 'bf16,kivi3'], b.io)).toBe(2);
    expect(b.err()).toMatch(/--kv-strategies: "kivi3" is not a KV strategy preset/);
  });
});
