import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { GPUS, GPU_IDS, GPU_NUMERIC_FIELDS, GPU_OPTIONAL_NUMERIC_FIELDS, getGpu } from './gpus.ts';
import { CLUSTER_PRESETS, getClusterPreset } from './presets.ts';
import {
  ALL_DTYPES,
  bytesPerElement,
  peakTflopsFor,
  requestedMathDtype,
  scaleOverheadBytesPerElement,
} from './dtype.ts';
import type { GpuSpec } from './types.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
// src/core/hardware -> repo root (../../..) -> sibling shared/ folder (../)
const GPUS_JSON = path.resolve(here, '../../../data/reference/gpus.json');

interface RefGpu {
  name: string;
  memory_GB?: number | string;
  memory_bandwidth_GBps?: number;
  dense_tflops: Record<string, number | string | boolean | null> | null;
  sources: string[];
}
const ref = JSON.parse(readFileSync(GPUS_JSON, 'utf8')) as { gpus: RefGpu[] };

/** Catalog id -> exact `name` in gpus.json (b300 is not in the reference file). */
const REF_NAME: Record<string, string> = {
  'h100-sxm': 'NVIDIA H100 SXM5 80GB',
  'h100-pcie': 'NVIDIA H100 PCIe 80GB',
  h200: 'NVIDIA H200 SXM 141GB',
  b200: 'NVIDIA B200 (HGX/DGX B200, 1000 W)',
  gb200: 'NVIDIA GB200 (one Blackwell GPU of GB200 NVL72)',
  'a100-80gb': 'NVIDIA A100 80GB SXM4',
  'a100-40gb': 'NVIDIA A100 40GB (SXM4; PCIe variant in notes)',
  l40s: 'NVIDIA L40S',
  l4: 'NVIDIA L4',
  'rtx-4090': 'NVIDIA GeForce RTX 4090',
  mi300x: 'AMD Instinct MI300X',
  mi325x: 'AMD Instinct MI325X',
  mi355x: 'AMD Instinct MI355X',
  gaudi3: 'Intel Gaudi 3 (OAM HL-325L)',
  'tpu-v5e': 'Google TPU v5e',
  'tpu-v5p': 'Google TPU v5p',
  'tpu-v6e': 'Google TPU v6e (Trillium)',
};

/** gpus.json sometimes holds "186 (13.4-13.5 TB ...)" or "918 (unverified here)": take the leading number. */
const leadingNumber = (v: unknown): number | null => {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return null;
  const m = /^\s*(\d+(?:\.\d+)?)/.exec(v);
  return m ? Number(m[1]) : null;
};

const refFor = (id: string): RefGpu => {
  const name = REF_NAME[id];
  const r = ref.gpus.find((g) => g.name === name);
  if (!r) throw new Error(`gpus.json has no entry named ${String(name)} for ${id}`);
  return r;
};

const fieldValue = (g: GpuSpec, field: (typeof GPU_NUMERIC_FIELDS)[number]): number | null => {
  if (field.startsWith('denseTflops.')) {
    return g.denseTflops[field.slice('denseTflops.'.length) as keyof GpuSpec['denseTflops']];
  }
  return g[field as Exclude<typeof field, `denseTflops.${string}`>];
};

const EXPECTED_IDS = [
  'h100-sxm',
  'h100-pcie',
  'h200',
  'b200',
  'gb200',
  'b300',
  'gb300',
  'a100-80gb',
  'a100-40gb',
  'l40s',
  'l4',
  'rtx-4090',
  'mi300x',
  'mi325x',
  'mi355x',
  'gaudi3',
  'tpu-v5e',
  'tpu-v5p',
  'tpu-v6e',
];

describe('GPU catalog', () => {
  it('has exactly the 19 expected ids, unique, in GPU_IDS order', () => {
    expect([...GPU_IDS].sort()).toEqual([...EXPECTED_IDS].sort());
    expect(GPUS.map((g) => g.id)).toEqual([...GPU_IDS]);
    expect(new Set(GPU_IDS).size).toBe(19);
    for (const id of EXPECTED_IDS) expect(getGpu(id)?.id).toBe(id);
    expect(getGpu('h100')).toBeUndefined();
  });

  it('maps every catalog GPU except b300/gb300 onto a gpus.json entry (and they are absent there)', () => {
    for (const id of GPU_IDS) {
      if (id === 'b300' || id === 'gb300') continue;
      expect(() => refFor(id), id).not.toThrow();
    }
    expect(ref.gpus.some((g) => /B300|Blackwell Ultra/i.test(g.name))).toBe(false);
  });

  describe.each(Object.keys(REF_NAME))('%s matches gpus.json', (id) => {
    const g = getGpu(id)!;
    const r = refFor(id);

    it('memory, bandwidth and dense bf16', () => {
      expect(g.memoryGB).toBe(leadingNumber(r.memory_GB));
      expect(g.memoryBandwidthGBps).toBe(r.memory_bandwidth_GBps);
      expect(g.denseTflops.bf16).toBe(leadingNumber(r.dense_tflops?.bf16));
    });

    it('fp8 / int8 / fp4 dense figures and nulls', () => {
      const d = r.dense_tflops ?? {};
      expect(g.denseTflops.fp8).toBe(leadingNumber(d.fp8));
      expect(g.denseTflops.int8).toBe(leadingNumber(d.int8_tops));
      expect(g.denseTflops.fp4).toBe(leadingNumber(d.fp4));
    });

    it('cites gpus.json verbatim for memory and bf16', () => {
      for (const key of ['memoryGB', 'denseTflops.bf16'] as const) {
        const s = g.sources[key] ?? '';
        const quotesRef = r.sources.some((rs) => s.includes(rs)) || s.includes('gpus.json');
        expect(quotesRef, `${id}.${key}: ${s}`).toBe(true);
      }
    });
  });

  it('spot-checks datasheet values', () => {
    expect(getGpu('h100-sxm')).toMatchObject({ memoryGB: 80, memoryBandwidthGBps: 3350, scaleUpGBps: 450, tdpW: 700 });
    expect(getGpu('h100-sxm')?.denseTflops).toEqual({ bf16: 989, fp16: 989, fp8: 1979, int8: 1979, fp4: null });
    expect(getGpu('gb200')).toMatchObject({ scaleUpDomainGpus: 72, scaleUpGBps: 900 });
    expect(getGpu('a100-80gb')?.denseTflops.fp8).toBeNull();
    expect(getGpu('b300')).toMatchObject({ memoryGB: 288, memoryBandwidthGBps: 8000, scaleUpGBps: 900 });
    expect(getGpu('b300')?.denseTflops.fp4).toBe(15000);
    expect(getGpu('b300')?.sources['denseTflops.fp4']).toMatch(/GTC 2025 Blackwell Ultra/);
    expect(getGpu('b300')?.sources.memoryGB).toMatch(/Vendor figure/);
  });

  it.each(GPUS.map((g) => [g.id, g] as const))('%s: positive numbers, a source for each numeric field', (_id, g) => {
    for (const field of GPU_NUMERIC_FIELDS) {
      const v = fieldValue(g, field);
      const src = g.sources[field];
      expect(typeof src === 'string' && src.trim().length > 10, `${g.id}: source for ${field}`).toBe(true);
      if (field === 'denseTflops.bf16' || field === 'denseTflops.fp16' || !field.startsWith('denseTflops.')) {
        expect(v, `${g.id}.${field}`).not.toBeNull();
      }
      if (v !== null) {
        expect(Number.isFinite(v) && v > 0, `${g.id}.${field} = ${v}`).toBe(true);
      } else {
        expect(src, `${g.id}.${field} is null: its source must say why`).toMatch(/^null/);
      }
    }
    // No stray source keys (typos would silently leave a field uncited).
    const known = new Set<string>([...GPU_NUMERIC_FIELDS, ...GPU_OPTIONAL_NUMERIC_FIELDS]);
    for (const k of Object.keys(g.sources)) expect(known.has(k), `${g.id}: unknown source key ${k}`).toBe(true);
    if (g.usableMemoryGB !== undefined) {
      expect(g.sources['usableMemoryGB'], `${g.id}: source for usableMemoryGB`).toMatch(/mem_capacity \d+/);
      // The reported capacity is the label read as GiB (HBM) or as GB (GDDR with ECC), less what the driver keeps.
      expect(g.usableMemoryGB).toBeGreaterThanOrEqual(g.memoryGB * 0.99);
      expect(g.usableMemoryGB).toBeLessThanOrEqual(g.memoryGB * 1.0738);
    }
    expect(Number.isInteger(g.scaleUpDomainGpus)).toBe(true);
    expect(g.idleW).toBeLessThan(g.tdpW);
  });

  it('keeps peak ordering sane: fp4 >= fp8 >= bf16 where present', () => {
    for (const g of GPUS) {
      const { bf16, fp8, fp4 } = g.denseTflops;
      if (fp8 !== null) expect(fp8, g.id).toBeGreaterThanOrEqual(bf16);
      if (fp4 !== null && fp8 !== null) expect(fp4, g.id).toBeGreaterThanOrEqual(fp8);
    }
  });

  it('is frozen', () => {
    const g = getGpu('h100-sxm')!;
    expect(Object.isFrozen(g)).toBe(true);
    expect(Object.isFrozen(g.denseTflops)).toBe(true);
    expect(Object.isFrozen(GPUS)).toBe(true);
  });
});

describe('cluster presets', () => {
  const required: Array<[string, string, number, number]> = [
    ['dgx-h100', 'h100-sxm', 1, 8],
    ['hgx-h200', 'h200', 1, 8],
    ['dgx-b200', 'b200', 1, 8],
    ['gb200-nvl72', 'gb200', 18, 4],
    ['gb300-nvl72', 'gb300', 18, 4],
    ['8x-mi300x', 'mi300x', 1, 8],
    ['l40s-pcie-box', 'l40s', 1, 8],
    ['2x-dgx-h100', 'h100-sxm', 2, 8],
  ];
  it.each(required)('%s is %s, %i x %i', (id, gpu, nodes, gpusPerNode) => {
    expect(getClusterPreset(id)).toMatchObject({ id, gpu, nodes, gpusPerNode });
  });
  it('every preset names a catalog GPU and has unique id, label and note', () => {
    expect(new Set(CLUSTER_PRESETS.map((p) => p.id)).size).toBe(CLUSTER_PRESETS.length);
    for (const p of CLUSTER_PRESETS) {
      expect(getGpu(p.gpu), p.id).toBeDefined();
      expect(p.label.length).toBeGreaterThan(0);
      expect(p.note.length).toBeGreaterThan(0);
      expect(Number.isInteger(p.nodes) && p.nodes >= 1).toBe(true);
      expect(Number.isInteger(p.gpusPerNode) && p.gpusPerNode >= 1).toBe(true);
    }
    expect(getClusterPreset('nope')).toBeUndefined();
  });
  it('GB200 NVL72 is one NVLink domain covering all its GPUs', () => {
    const p = getClusterPreset('gb200-nvl72')!;
    expect(p.nodes * p.gpusPerNode).toBe(72);
    expect(getGpu(p.gpu)?.scaleUpDomainGpus).toBe(72);
    expect(p.note).toMatch(/one nvlink/i);
  });
  it('GB300 NVL72: 72 Blackwell Ultra GPUs in one NVLink domain, rack figures / 72 (NVIDIA GB300 NVL72 datasheet)', () => {
    const p = getClusterPreset('gb300-nvl72')!;
    const g = getGpu(p.gpu)!;
    expect(p.nodes * p.gpusPerNode).toBe(g.scaleUpDomainGpus);
    expect(g.scaleUpDomainGpus).toBe(72);
    // Datasheet rack totals: 1,080 PF dense FP4, 576 TB/s HBM, 130 TB/s NVLink (bidirectional), ~21 TB HBM3e.
    expect((g.denseTflops.fp4! * 72) / 1000).toBe(1080);
    expect((g.memoryBandwidthGBps * 72) / 1000).toBe(576);
    expect((g.scaleUpGBps * 2 * 72) / 1000).toBeCloseTo(130, -1);
    expect((g.memoryGB * 72) / 1000).toBeGreaterThan(20);
    expect((g.memoryGB * 72) / 1000).toBeLessThanOrEqual(21);
    expect(g.sources['denseTflops.fp4']).toMatch(/gb300-nvl72/);
    expect(p.note).toMatch(/one nvlink/i);
  });
  it('l40s-pcie-box says it is PCIe only', () => {
    expect(getClusterPreset('l40s-pcie-box')?.note).toMatch(/PCIe only/);
  });
});

describe('dtype', () => {
  it('bytesPerElement', () => {
    expect(bytesPerElement('bf16')).toBe(2);
    expect(bytesPerElement('fp16')).toBe(2);
    expect(bytesPerElement('fp8')).toBe(1);
    expect(bytesPerElement('int8')).toBe(1);
    expect(bytesPerElement('int4')).toBe(0.5);
    expect(bytesPerElement('int2')).toBe(0.25);
    expect(bytesPerElement('nvfp4')).toBe(0.5625);
    expect(bytesPerElement('fp4')).toBe(0.5625);
    for (const d of ALL_DTYPES) expect(bytesPerElement(d) - scaleOverheadBytesPerElement(d)).toBeGreaterThan(0);
    expect(scaleOverheadBytesPerElement('nvfp4')).toBe(1 / 16);
    expect(scaleOverheadBytesPerElement('int4')).toBe(0);
  });

  it('A100 fp8 x fp8 falls back to bf16 math', () => {
    const r = peakTflopsFor(getGpu('a100-80gb')!, 'fp8', 'fp8');
    expect(r).toMatchObject({ tflops: 312, mathDtype: 'bf16', requested: 'fp8', fellBack: true });
  });

  it('H100 fp8 x fp8 runs fp8 math at 1979', () => {
    expect(peakTflopsFor(getGpu('h100-sxm')!, 'fp8', 'fp8')).toMatchObject({
      tflops: 1979,
      mathDtype: 'fp8',
      fellBack: false,
    });
  });

  it('weight-only quantization runs at the activation precision', () => {
    const h100 = getGpu('h100-sxm')!;
    expect(peakTflopsFor(h100, 'int4', 'bf16')).toMatchObject({ tflops: 989, mathDtype: 'bf16' });
    expect(peakTflopsFor(h100, 'fp8', 'bf16')).toMatchObject({ tflops: 989, mathDtype: 'bf16' });
    expect(peakTflopsFor(h100, 'int8', 'bf16')).toMatchObject({ tflops: 989, mathDtype: 'bf16' });
    expect(peakTflopsFor(h100, 'int4', 'fp16')).toMatchObject({ tflops: 989, mathDtype: 'fp16' });
    expect(peakTflopsFor(h100, 'int8', 'int8')).toMatchObject({ tflops: 1979, mathDtype: 'int8' });
  });

  it('fp4 math needs both operands in fp4 and falls back fp4 -> fp8 -> bf16', () => {
    expect(peakTflopsFor(getGpu('b200')!, 'nvfp4', 'nvfp4')).toMatchObject({ tflops: 9000, mathDtype: 'fp4' });
    expect(peakTflopsFor(getGpu('b200')!, 'fp4', 'nvfp4')).toMatchObject({ tflops: 9000, mathDtype: 'fp4' });
    expect(peakTflopsFor(getGpu('b200')!, 'nvfp4', 'bf16')).toMatchObject({ tflops: 2250, mathDtype: 'bf16' });
    expect(peakTflopsFor(getGpu('h100-sxm')!, 'nvfp4', 'nvfp4')).toMatchObject({
      tflops: 1979,
      mathDtype: 'fp8',
      fellBack: true,
    });
    expect(peakTflopsFor(getGpu('a100-80gb')!, 'fp4', 'fp4')).toMatchObject({
      tflops: 312,
      mathDtype: 'bf16',
      fellBack: true,
    });
  });

  it('mixed low-precision pairs are modelled as 16-bit math', () => {
    expect(requestedMathDtype('int4', 'fp8')).toBe('bf16');
    expect(requestedMathDtype('fp8', 'nvfp4')).toBe('bf16');
    expect(requestedMathDtype('fp16', 'fp8')).toBe('fp16');
  });

  it('property: positive finite peak whose figure matches the returned mathDtype, never above the fastest rate', () => {
    const gpuArb = fc.constantFrom(...GPUS);
    const dtypeArb = fc.constantFrom(...ALL_DTYPES);
    fc.assert(
      fc.property(gpuArb, dtypeArb, dtypeArb, (gpu, w, a) => {
        const r = peakTflopsFor(gpu, w, a);
        const d = gpu.denseTflops;
        const figure = d[r.mathDtype as keyof typeof d];
        const max = Math.max(...Object.values(d).filter((v): v is number => v !== null));
        const minWide = Math.min(d.bf16, d.fp16);
        return (
          Number.isFinite(r.tflops) && r.tflops > 0 && figure === r.tflops && r.tflops <= max && r.tflops >= minWide
        );
      }),
      { numRuns: 500 },
    );
  });

  it('property: faster-than-16-bit math only when weights and activations agree', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...GPUS),
        fc.constantFrom(...ALL_DTYPES),
        fc.constantFrom(...ALL_DTYPES),
        (gpu, w, a) => {
          const r = peakTflopsFor(gpu, w, a);
          const fast = r.mathDtype !== 'bf16' && r.mathDtype !== 'fp16';
          const agree = w === a || ((w === 'fp4' || w === 'nvfp4') && (a === 'fp4' || a === 'nvfp4'));
          return !fast || agree;
        },
      ),
    );
  });
});
