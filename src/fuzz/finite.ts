/**
 * The "every number is finite" invariant of the engine surfaces (issue 16: no metric is NaN or
 * Infinity in any result). Walks a result and throws FuzzInvariantError at the first number that is
 * not finite, or the first `null` outside the fields whose type allows it.
 */
import { FuzzInvariantError } from './types.ts';

/** Result fields typed `… | null` (EvaluationResult and its kv section, SimulationSummary, Stability). */
const NULLABLE = new Set([
  'truncated',
  'prefixHitRate',
  'kvTransferMs',
  'kvTransferLink',
  'tiers',
  'multiTurnReloadBytes',
  'offeredReqPerSec',
]);

/** Nodes visited at most (results are a few thousand nodes; a timeline would be more, and is not asked for). */
const MAX_NODES = 2_000_000;

export function assertFinite(value: unknown, what: string): void {
  const stack: { v: unknown; path: string; key: string }[] = [{ v: value, path: what, key: '' }];
  let seen = 0;
  while (stack.length > 0) {
    const { v, path, key } = stack.pop()!;
    if (++seen > MAX_NODES) throw new FuzzInvariantError(`${what} has more than ${MAX_NODES} values`);
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) throw new FuzzInvariantError(`${path} = ${v}`);
    } else if (v === null) {
      if (!NULLABLE.has(key)) throw new FuzzInvariantError(`${path} is null (not a nullable field)`);
    } else if (ArrayBuffer.isView(v)) {
      const a = v as unknown as ArrayLike<number>;
      for (let i = 0; i < a.length; i++)
        if (!Number.isFinite(a[i])) throw new FuzzInvariantError(`${path}[${i}] = ${a[i]}`);
    } else if (Array.isArray(v)) {
      v.forEach((x, i) => stack.push({ v: x, path: `${path}[${i}]`, key }));
    } else if (typeof v === 'object' && v !== undefined) {
      for (const [k, x] of Object.entries(v)) stack.push({ v: x, path: `${path}.${k}`, key: k });
    }
  }
}
