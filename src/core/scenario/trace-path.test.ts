import { describe, expect, it } from 'vitest';
import { parseScenario } from './validate.ts';
import { inlineTracePath, resolveTracePath, tracePathOf } from './trace-path.ts';

describe('workload.trace.path inlining (CLI helper, no fs in core)', () => {
  const input = {
    version: 1,
    model: 'llama-3.1-8b',
    cluster: { gpu: 'h100-sxm' },
    workload: { trace: { format: 'apex-jsonl', path: 'traces/a.jsonl' } },
  };

  it('finds and resolves the path against the scenario file', () => {
    expect(tracePathOf(input)).toBe('traces/a.jsonl');
    expect(tracePathOf({ workload: {} })).toBeNull();
    expect(resolveTracePath('/x/y/s.json', 'traces/a.jsonl')).toBe('/x/y/traces/a.jsonl');
    expect(resolveTracePath('C:\\w\\s.json', 't.csv')).toBe('C:\\w\\t.csv');
    expect(resolveTracePath('s.json', 't.csv')).toBe('t.csv');
    expect(resolveTracePath('-', 't.csv')).toBe('t.csv');
    expect(resolveTracePath('/x/s.json', '/abs/t.csv')).toBe('/abs/t.csv');
  });

  it('inlines the text as data and the result parses', () => {
    const seen: string[] = [];
    const r = inlineTracePath(input, '/x/s.json', (p) => {
      seen.push(p);
      return '{"StartTimeOffset": 0, "ContextTokens": 5, "GeneratedTokens": 2}';
    });
    expect(seen).toEqual(['/x/traces/a.jsonl']);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const parsed = parseScenario(r.value);
    expect(parsed.ok).toBe(true);
    if (parsed.ok)
      expect(parsed.scenario.workload.trace).toEqual({
        format: 'apex-jsonl',
        timing: 'trace',
        data: '{"StartTimeOffset": 0, "ContextTokens": 5, "GeneratedTokens": 2}',
      });
    expect(input.workload.trace.path).toBe('traces/a.jsonl'); // the input is not mutated
  });

  it('reports unreadable files with the field and path', () => {
    const r = inlineTracePath(input, '/x/s.json', () => {
      throw new Error('ENOENT');
    });
    expect(r).toEqual({ ok: false, error: 'workload.trace.path: cannot read "/x/traces/a.jsonl" (ENOENT)' });
  });

  it('the schema wants exactly one of data or path, and a known format', () => {
    const bad = (trace: unknown) =>
      parseScenario({ version: 1, model: 'x', cluster: { gpu: 'y' }, workload: { trace } });
    expect(bad({ format: 'apex-jsonl' }).ok).toBe(false);
    expect(bad({ format: 'apex-jsonl', data: 'a', path: 'b' }).ok).toBe(false);
    const r = bad({ format: 'sharegpt', data: 'a' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.join()).toMatch(/workload\.trace\.format/);
  });
});
