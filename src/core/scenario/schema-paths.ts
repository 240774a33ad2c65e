/**
 * Every field path of a zod schema (objects and their leaves), with array indices written `[]` and record keys `*`
 * (e.g. `workload.classes[].arrival.ratePerSec`). Used to check that each field that can fail
 * validation has a human label (field-labels.ts).
 */
import type { z } from 'zod';

type Def = { type: string; [k: string]: unknown };
const defOf = (s: unknown): Def => (s as { _zod: { def: Def } })._zod.def;

const join = (base: string, key: string): string => (key.startsWith('[') || !base ? `${base}${key}` : `${base}.${key}`);

export function schemaFieldPaths(schema: z.ZodType): string[] {
  const out = new Set<string>();
  const seen = new Set<unknown>();
  const walk = (s: unknown, path: string): void => {
    const d = defOf(s);
    switch (d.type) {
      case 'object': {
        if (seen.has(s)) return;
        seen.add(s);
        if (path) out.add(path);
        const shape = d['shape'] as Record<string, unknown>;
        for (const [k, v] of Object.entries(shape)) walk(v, join(path, k));
        seen.delete(s);
        return;
      }
      case 'optional':
      case 'nullable':
      case 'default':
      case 'prefault':
      case 'readonly':
      case 'catch':
      case 'nonoptional':
        return walk(d['innerType'], path);
      case 'pipe':
        walk(d['in'], path);
        if (defOf(d['out']).type !== 'transform') walk(d['out'], path);
        return;
      case 'lazy':
        return walk((d['getter'] as () => unknown)(), path);
      case 'union':
        for (const o of d['options'] as unknown[]) walk(o, path);
        return;
      case 'intersection':
        walk(d['left'], path);
        walk(d['right'], path);
        return;
      case 'array':
        if (path) out.add(path);
        return walk(d['element'], join(path, '[]'));
      case 'record':
        if (path) out.add(path);
        return walk(d['valueType'], join(path, '*'));
      case 'tuple':
        (d['items'] as unknown[]).forEach((it) => walk(it, join(path, '[]')));
        return;
      default:
        if (path) out.add(path);
    }
  };
  walk(schema, '');
  return [...out].sort();
}
