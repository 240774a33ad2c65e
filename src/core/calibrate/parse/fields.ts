/**
 * Field readers shared by the benchmark parsers. Each failure names the file location and the field
 * ("result.json: mean_ttft_ms must be a positive number, got "abc""), so bad input is one clear line.
 */
export class BenchParseError extends Error {}

export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function shown(v: unknown): string {
  const s = typeof v === 'string' ? JSON.stringify(v) : String(JSON.stringify(v) ?? v);
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

/** A finite number > 0 (or ≥ 0 with `zeroOk`) at `field`, else undefined when absent; throws when malformed. */
export function optNum(o: Obj, field: string, where: string, zeroOk = false): number | undefined {
  const v = o[field];
  if (v === undefined || v === null) return undefined;
  const x = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof x !== 'number' || !Number.isFinite(x) || x < 0 || (!zeroOk && x === 0))
    throw new BenchParseError(
      `${where}: ${field} must be a ${zeroOk ? 'non-negative' : 'positive'} number, got ${shown(v)}`,
    );
  if (x > 1e12) throw new BenchParseError(`${where}: ${field} is out of range (${shown(v)})`);
  return x;
}

export function reqNum(o: Obj, field: string, where: string): number {
  const x = optNum(o, field, where);
  if (x === undefined) throw new BenchParseError(`${where}: missing ${field} (a positive number)`);
  return x;
}

/** A whole number ≥ 1 (e.g. a GPU count) or undefined. */
export function optInt(o: Obj, field: string, where: string): number | undefined {
  const x = optNum(o, field, where);
  if (x === undefined) return undefined;
  if (!Number.isInteger(x) || x > 1e6)
    throw new BenchParseError(`${where}: ${field} must be a whole number, got ${shown(o[field])}`);
  return x;
}

export function optStr(o: Obj, field: string, where: string): string | undefined {
  const v = o[field];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string' && typeof v !== 'number')
    throw new BenchParseError(`${where}: ${field} must be a string, got ${shown(v)}`);
  const s = String(v).trim();
  return s.length > 200 ? s.slice(0, 200) : s;
}

/** Engine name as a benchmark names its backend ("vllm", "sglang-oai", "trt", "tensorrt-llm"…). */
export function engineOf(v: string | undefined): 'vllm' | 'sglang' | 'trtllm' | undefined {
  if (!v) return undefined;
  const s = v.toLowerCase();
  if (s.startsWith('vllm')) return 'vllm';
  if (s.startsWith('sglang')) return 'sglang';
  if (s.startsWith('trt') || s.includes('tensorrt')) return 'trtllm';
  return undefined;
}

/**
 * The run's setup the user states alongside the numbers, read from a flat metadata object
 * (`vllm bench serve --metadata gpu=h100-sxm gpus=8 tp=8 version=0.19.0` merges such keys into the result).
 */
export function statedSetup(o: Obj, where: string) {
  return {
    gpu: optStr(o, 'gpu', where),
    gpus: optInt(o, 'gpus', where) ?? optInt(o, 'num_gpus', where),
    tp: optInt(o, 'tp', where) ?? optInt(o, 'tp_size', where) ?? optInt(o, 'tensor_parallel_size', where),
    engineVersion: optStr(o, 'version', where) ?? optStr(o, 'engine_version', where),
  };
}

/** Drop undefined keys (exactOptionalPropertyTypes). */
export function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

export function parseJsonObject(text: string, where: string): Obj {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new BenchParseError(`${where}: not valid JSON (${(e as Error).message.slice(0, 80)})`);
  }
  if (!isObj(v)) throw new BenchParseError(`${where}: expected a JSON object at the top level`);
  return v;
}
