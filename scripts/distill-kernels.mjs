#!/usr/bin/env node
/**
 * Distil aiconfigurator's kernel microbenchmarks (Parquet, Apache-2.0, see NOTICE) into compact per-(GPU, engine)
 * profiles under src/core/kernels/profiles/, read by src/core/kernels at run time.
 *
 *   node scripts/distill-kernels.mjs <kernels dir>      (or PARAKV_KERNELS_DIR=<kernels dir>)
 *
 * The input folder is laid out `<gpu>/<op>/<engine>/<version>/<table>.parquet` (its README.md). Each profile keeps:
 * - gemm:        latency grid over log-spaced (m, n, k) per dtype (bf16 / fp8 / fp8_block / nvfp4);
 * - attnPrefill: context-attention latency grid over (batch, isl, heads) per KV dtype, head_dim 128, no window, at
 *                the measured KV-head count nearest heads/8 (prefill FLOPs do not depend on KV heads);
 * - attnDecode:  per (batch, kv heads) a least-squares line latency = floorMs + perTokenMs · context (decode attention
 *                streams the KV cache: time is affine in the context, which keeps the simulator's decode cost affine);
 * - mlaPrefill:  DeepSeek MLA context attention (context_mla_perf: SGLang, TRT-LLM) over (batch, isl, heads per GPU)
 *                per KV dtype; the attention core only (vLLM's table times the whole module with its GEMMs: not used);
 * - moe:         whole MoE-layer latency (routing, permute, grouped GEMMs, unpermute) vs num_tokens per measured
 *                (dtype, hidden, inter, topk, experts, moe_tp, moe_ep), routing power_law_1.01 where tokens·topk ≥ experts,
 *                balanced below (routingFor);
 * - allReduce:   the engine's custom all-reduce (CUDA-graph and eager) and nccl all_reduce / all_gather /
 *                reduce_scatter / alltoall, latency over (GPUs, message bytes) (message_size is in elements of the
 *                table's dtype: half / bf16 = 2 bytes).
 * Encoding (decoded by src/core/kernels/codec.ts): every latency is stored as q = round(100·log2(latency in µs)) — a
 * 0.35 % step, below run-to-run noise — and each array is delta-coded (first value absolute, then differences from
 * the previous present value); a missing point is null. Interpolation runs in log space anyway.
 */
import { readFileSync, readdirSync, existsSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';

const SOURCE = 'aiconfigurator (github.com/ai-dynamo/aiconfigurator) commit 095f58a51, Apache-2.0';

/** aiconfigurator system folder → ParaKV GPU catalog ids (src/core/hardware/gpus.ts). */
const GPU_IDS = {
  h100_sxm: ['h100-sxm'],
  h200_sxm: ['h200'],
  b200_sxm: ['b200'],
  b300_sxm: ['b300'],
  gb200: ['gb200'],
  gb300: ['gb300'],
  a100_sxm: ['a100-80gb', 'a100-40gb'],
  l40s: ['l40s'],
};
const ENGINES = ['vllm', 'sglang', 'trtllm'];

const M_AXIS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768];
const NK_AXIS = [64, 128, 256, 512, 1024, 2048, 3072, 4096, 6144, 8192, 12288, 16384, 65536];
const GEMM_DTYPES = { bfloat16: 'bf16', fp8: 'fp8', fp8_block: 'fp8_block', nvfp4: 'nvfp4' };
const MOE_DTYPES = {
  bfloat16: 'bf16',
  fp8: 'fp8',
  fp8_block: 'fp8_block',
  nvfp4: 'nvfp4',
  int4_wo: 'int4',
  w4a16_mxfp4: 'mxfp4_w4a16',
};
const KV_DTYPES = { bfloat16: 'bf16', fp8: 'fp8' };

const num = (v) => (typeof v === 'bigint' ? Number(v) : v);
/** Latency in ms → quantised log2 µs (see the header); null when absent or not positive. */
const quant = (ms) => (ms == null || !Number.isFinite(ms) || ms <= 0 ? null : Math.round(100 * Math.log2(ms * 1e3)));

/** Delta-code an array of quantised values (nulls kept). */
function deltaCode(values) {
  let prev = 0;
  return values.map((v) => {
    if (v === null) return null;
    const d = v - prev;
    prev = v;
    return d;
  });
}
const encode = (msValues) => deltaCode(msValues.map(quant));
const MOE_TOKENS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384];
/** Largest moe_tp·moe_ep kept: wider groups are costed by the roofline. */
const MOE_MAX_GPUS = 64;

async function readTable(path) {
  const buf = readFileSync(path);
  const rows = await parquetReadObjects({
    file: buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength),
    compressors,
  });
  return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, num(v)])));
}

/** The single version folder of `<gpu>/<op>/<engine>/`, or null. */
function versionDir(root, gpu, op, engine) {
  const d = join(root, gpu, op, engine);
  if (!existsSync(d)) return null;
  const versions = readdirSync(d).filter((v) => existsSync(join(d, v)));
  versions.sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  const v = versions.at(-1);
  return v ? { dir: join(d, v), version: v } : null;
}

async function tableOf(root, gpu, op, engine, table) {
  const vd = versionDir(root, gpu, op, engine);
  if (!vd) return null;
  const p = join(vd.dir, `${table}.parquet`);
  return existsSync(p) ? { rows: await readTable(p), version: vd.version } : null;
}

/** A dense grid over `axes` (row-major, last axis fastest) from a key → latency map. */
function grid(axes, get) {
  const ms = [];
  const walk = (d, idx) => {
    if (d === axes.length) return void ms.push(get(idx) ?? null);
    for (const v of axes[d]) walk(d + 1, [...idx, v]);
  };
  walk(0, []);
  return { axes, q: encode(ms) };
}

function gemmProfile(rows) {
  const out = {};
  for (const [src, dt] of Object.entries(GEMM_DTYPES)) {
    const map = new Map();
    for (const r of rows) if (r.gemm_dtype === src) map.set(`${r.m},${r.n},${r.k}`, r.latency);
    if (map.size === 0) continue;
    const ms = [...new Set(rows.filter((r) => r.gemm_dtype === src).map((r) => r.m))];
    const mAxis = M_AXIS.filter((m) => ms.includes(m));
    out[dt] = grid([mAxis, NK_AXIS, NK_AXIS], ([m, n, k]) => map.get(`${m},${n},${k}`));
  }
  return out;
}

function nearestKv(kvSet, target) {
  let best = null;
  for (const v of kvSet)
    if (best === null || Math.abs(Math.log(v / target)) < Math.abs(Math.log(best / target))) best = v;
  return best;
}

function prefillProfile(rows) {
  const out = {};
  const base = rows.filter(
    (r) => r.head_dim === 128 && (r.window_size ?? 0) === 0 && r.attn_dtype === 'bfloat16' && (r.step ?? 0) === 0,
  );
  for (const [src, dt] of Object.entries(KV_DTYPES)) {
    const rs = base.filter((r) => r.kv_cache_dtype === src);
    if (rs.length === 0) continue;
    const batch = [...new Set(rs.map((r) => r.batch_size))].sort((a, b) => a - b);
    const isl = [...new Set(rs.map((r) => r.isl))].sort((a, b) => a - b);
    const heads = [...new Set(rs.map((r) => r.num_heads))].sort((a, b) => a - b);
    const map = new Map();
    const kvOf = new Map();
    for (const h of heads) {
      const kvs = new Set(rs.filter((r) => r.num_heads === h).map((r) => r.num_key_value_heads));
      kvOf.set(h, nearestKv(kvs, Math.max(1, h / 8)));
    }
    for (const r of rs)
      if (r.num_key_value_heads === kvOf.get(r.num_heads))
        map.set(`${r.batch_size},${r.isl},${r.num_heads}`, r.latency);
    out[dt] = grid([batch, isl, heads], ([b, s, h]) => map.get(`${b},${s},${h}`));
  }
  return out;
}

/** Least squares of latency = a + s·ctx weighted by 1/latency² (relative error), a ≥ 0. */
function affineFit(points) {
  if (points.length < 2) return null;
  let sw = 0,
    sx = 0,
    sy = 0,
    sxx = 0,
    sxy = 0;
  for (const [x, y] of points) {
    const w = 1 / (y * y);
    sw += w;
    sx += w * x;
    sy += w * y;
    sxx += w * x * x;
    sxy += w * x * y;
  }
  const det = sw * sxx - sx * sx;
  if (det <= 0) return null;
  let s = (sw * sxy - sx * sy) / det;
  let a = (sy - s * sx) / sw;
  if (a < 0) {
    a = 0;
    s = sxy / sxx;
  }
  if (s < 0) {
    s = 0;
    a = sy / sw;
  }
  return { a, s };
}

function decodeProfile(rows) {
  const out = {};
  const base = rows.filter((r) => r.head_dim === 128 && (r.window_size ?? 0) === 0 && r.attn_dtype === 'bfloat16');
  for (const [src, dt] of Object.entries(KV_DTYPES)) {
    const rs = base.filter((r) => r.kv_cache_dtype === src);
    if (rs.length === 0) continue;
    const batch = [...new Set(rs.map((r) => r.batch_size))].sort((a, b) => a - b);
    const kvh = [...new Set(rs.map((r) => r.num_key_value_heads))].sort((a, b) => a - b);
    const floor = new Map();
    const per = new Map();
    for (const kv of kvh) {
      const hs = [...new Set(rs.filter((r) => r.num_key_value_heads === kv).map((r) => r.num_heads))];
      const h = hs.reduce((best, x) =>
        Math.abs(Math.log(x / (8 * kv))) < Math.abs(Math.log(best / (8 * kv))) ? x : best,
      );
      for (const b of batch) {
        // `step` is the context already cached (isl = 1 new token).
        const pts = rs
          .filter((r) => r.num_key_value_heads === kv && r.num_heads === h && r.batch_size === b && r.latency > 0)
          .map((r) => [r.step + r.isl, r.latency]);
        const fit = affineFit(pts);
        if (!fit) continue;
        floor.set(`${b},${kv}`, Math.max(fit.a, 1e-4));
        per.set(`${b},${kv}`, Math.max(fit.s, 1e-12) * 1e6); // ms per million tokens of context
      }
    }
    const g = grid([batch, kvh], ([b, kv]) => floor.get(`${b},${kv}`));
    const p = grid([batch, kvh], ([b, kv]) => per.get(`${b},${kv}`));
    // perTokenMs is stored in the same log code as µs·1e6 per token (ns/ktoken scale keeps it above 1).
    out[dt] = { axes: g.axes, floorQ: g.q, perMTokQ: p.q };
  }
  return out;
}

/**
 * The routing distribution a curve point is read at. Power-law routing (skewed, as real routers are) where a step's
 * T·topk assignments can reach every expert; below that (T·topk < experts) the power-law rows of the TRT-LLM and
 * SGLang collectors put every local expert to work from T = 2 on (a flat curve at the all-experts time: all of a
 * step's assignments on the measured rank), which routing of so few tokens across the EP ranks does not do, so the
 * balanced rows (active experts growing with T·topk) price it.
 */
const routingFor = (tokens, topk, experts) => (tokens * topk >= experts ? 'power_law_1.01' : 'balanced');

function moeProfile(rows) {
  const groups = new Map();
  for (const r of rows) {
    if (r.distribution !== 'power_law_1.01' && r.distribution !== 'balanced') continue;
    const dt = MOE_DTYPES[r.moe_dtype];
    if (!dt || r.moe_tp_size * r.moe_ep_size > MOE_MAX_GPUS || !MOE_TOKENS.includes(r.num_tokens)) continue;
    const key = [dt, r.hidden_size, r.inter_size, r.topk, r.num_experts, r.moe_tp_size, r.moe_ep_size].join(',');
    const g = groups.get(key) ?? { pts: new Map() };
    groups.set(key, g);
    // Per token count and distribution, the faster of several kernels for one shape (e.g. Triton and Marlin):
    // the engine picks the faster.
    const k = `${r.num_tokens},${r.distribution}`;
    const prev = g.pts.get(k);
    if (prev === undefined || r.latency < prev) g.pts.set(k, r.latency);
  }
  for (const [key, g] of groups) {
    const [, , , topk, experts] = key.split(',').map(Number);
    const byTokens = new Map();
    for (const t of new Set([...g.pts.keys()].map((k) => Number(k.split(',')[0])))) {
      const want = routingFor(t, topk, experts);
      const other = want === 'balanced' ? 'power_law_1.01' : 'balanced';
      const v = g.pts.get(`${t},${want}`) ?? g.pts.get(`${t},${other}`);
      if (v !== undefined) byTokens.set(t, v);
    }
    g.pts = byTokens;
    g.dist = 'balanced+power_law_1.01'; // routingFor decides per point
  }
  const out = [];
  for (const [key, g] of groups) {
    const [dtype, hidden, inter, topk, experts, tp, ep] = key.split(',');
    const tokens = [...g.pts.keys()].sort((a, b) => a - b);
    if (tokens.length < 2) continue;
    out.push({
      dtype,
      hidden: +hidden,
      inter: +inter,
      topk: +topk,
      experts: +experts,
      tp: +tp,
      ep: +ep,
      routing: g.dist,
      tokens,
      q: encode(tokens.map((t) => g.pts.get(t))),
    });
  }
  return out;
}

/** Latency over (GPUs, message bytes) for rows already filtered to one op; `bytesPer` element size. */
function commGrid(rows, bytesPer) {
  if (rows.length === 0) return null;
  const gpus = [...new Set(rows.map((r) => r.num_gpus))].sort((a, b) => a - b);
  const sizes = [...new Set(rows.map((r) => r.message_size))].sort((a, b) => a - b);
  const map = new Map(rows.map((r) => [`${r.num_gpus},${r.message_size}`, r.latency]));
  const g = grid([gpus, sizes], ([n, s]) => map.get(`${n},${s}`));
  return { axes: [gpus, sizes.map((s) => s * bytesPer)], q: g.q };
}

async function commProfile(root, gpu, engine) {
  const out = {};
  const custom = await tableOf(root, gpu, 'comm', engine, 'custom_allreduce_perf');
  if (custom) {
    const bf16 = custom.rows.filter((r) => r.allreduce_dtype === 'bfloat16');
    const graph = bf16.filter((r) => /graph/i.test(r.kernel_source) || !/eager/i.test(r.kernel_source));
    const eager = bf16.filter((r) => /eager/i.test(r.kernel_source));
    out.customAllReduceGraph = commGrid(graph, 2);
    out.customAllReduceEager = eager.length ? commGrid(eager, 2) : out.customAllReduceGraph;
    out.customVersion = custom.version;
  }
  const nccl = await tableOf(root, gpu, 'comm', 'nccl', 'nccl_perf');
  if (nccl) {
    out.ncclVersion = nccl.version;
    for (const op of ['all_reduce', 'all_gather', 'reduce_scatter', 'alltoall']) {
      const g = commGrid(
        nccl.rows.filter((r) => r.op_name === op && r.nccl_dtype === 'half'),
        2,
      );
      if (g) out[op] = g;
    }
  }
  return out;
}

function mlaPrefillProfile(rows) {
  const out = {};
  for (const [src, dt] of Object.entries(KV_DTYPES)) {
    const rs = rows.filter(
      (r) => r.kv_cache_dtype === src && (r.mla_dtype ?? 'bfloat16') === 'bfloat16' && (r.step ?? 0) === 0,
    );
    if (rs.length === 0) continue;
    const axis = (f) => [...new Set(rs.map(f))].sort((a, b) => a - b);
    // num_heads is per GPU (latency ∝ heads whatever tp_size says): one row per point, the first seen.
    const map = new Map();
    for (const r of rs) {
      const k = `${r.batch_size},${r.isl},${r.num_heads}`;
      if (!map.has(k)) map.set(k, r.latency);
    }
    out[dt] = grid([axis((r) => r.batch_size), axis((r) => r.isl), axis((r) => r.num_heads)], ([b, s, h]) =>
      map.get(`${b},${s},${h}`),
    );
  }
  return out;
}

async function profileFor(root, gpu, engine) {
  const gemm = await tableOf(root, gpu, 'gemm', engine, 'gemm_perf');
  const pre = await tableOf(root, gpu, 'attention', engine, 'context_attention_perf');
  const dec = await tableOf(root, gpu, 'attention', engine, 'generation_attention_perf');
  const moe = await tableOf(root, gpu, 'moe', engine, 'moe_perf');
  const mla = await tableOf(root, gpu, 'mla', engine, 'context_mla_perf');
  if (!gemm && !pre && !dec && !moe) return null;
  const version = (gemm ?? pre ?? dec ?? moe).version;
  return {
    schema: 1,
    sourceGpu: gpu,
    engine,
    engineVersion: version,
    source: SOURCE,
    gemm: gemm ? gemmProfile(gemm.rows) : {},
    attnPrefill: pre ? prefillProfile(pre.rows) : {},
    attnDecode: dec ? decodeProfile(dec.rows) : {},
    mlaPrefill: mla ? mlaPrefillProfile(mla.rows) : {},
    moe: moe ? moeProfile(moe.rows) : [],
    comm: await commProfile(root, gpu, engine),
  };
}

/**
 * The generated loader table: one dynamic import() per profile, so Vite splits each JSON into its own chunk and
 * nothing reaches the first-load bundle; the CLI (tsx) imports the same files.
 */
function loaderModule(index) {
  const lines = [
    '// Generated by scripts/distill-kernels.mjs — do not edit. One lazily imported JSON chunk per (GPU, engine).',
    "import type { KernelProfileJson } from '../types.ts';",
    '',
    'export interface ProfileEntry {',
    '  gpuIds: readonly string[];',
    "  engine: 'vllm' | 'sglang' | 'trtllm';",
    '  engineVersion: string;',
    '  file: string;',
    '  load: () => Promise<KernelProfileJson>;',
    '}',
    '',
    'export const PROFILE_ENTRIES: readonly ProfileEntry[] = [',
  ];
  for (const e of index) {
    lines.push(
      `  { gpuIds: ${JSON.stringify(e.gpuIds).replaceAll('"', "'")}, engine: '${e.engine}', engineVersion: '${e.engineVersion}', file: '${e.file}', load: async () => (await import('./${e.file}')).default as KernelProfileJson },`,
    );
  }
  lines.push('];', '');
  return lines.join('\n');
}

async function main() {
  const root = process.argv[2] ?? process.env.PARAKV_KERNELS_DIR;
  if (!root || !existsSync(root)) {
    console.error(
      'distill-kernels: pass the aiconfigurator kernels folder as the first argument or PARAKV_KERNELS_DIR ' +
        `(got ${root ?? 'nothing'}); it holds <gpu>/<op>/<engine>/<version>/<table>.parquet`,
    );
    process.exit(2);
  }
  const outDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'core', 'kernels', 'profiles');
  mkdirSync(outDir, { recursive: true });
  const index = [];
  for (const [gpu, ids] of Object.entries(GPU_IDS)) {
    for (const engine of ENGINES) {
      const p = await profileFor(root, gpu, engine);
      if (!p) continue;
      const file = `${gpu}.${engine}.json`;
      writeFileSync(join(outDir, file), JSON.stringify(p) + '\n');
      index.push({ gpuIds: ids, engine, engineVersion: p.engineVersion, file });
      console.log(`${file}: ${JSON.stringify(p).length} bytes (engine ${p.engineVersion})`);
    }
  }
  writeFileSync(join(outDir, 'index.ts'), loaderModule(index));
}

await main();
