import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importedModelName } from './import-name.ts';

// data/reference/hf-configs holds real config.json files; Qwen3-0.6B's has no _name_or_path.
const QWEN3 = JSON.parse(
  readFileSync(resolve(import.meta.dirname, '../../../data/reference/hf-configs/Qwen--Qwen3-0.6B.json'), 'utf8'),
) as unknown;

describe('importedModelName (issue 14: imports stayed "My model")', () => {
  const cfg = { _name_or_path: 'meta-llama/Llama-2-7b-hf', architectures: ['LlamaForCausalLM'] };

  it('prefers a typed name, then the file name, then _name_or_path, then the architecture', () => {
    expect(importedModelName(cfg, 'llama-7b.json', '  My Llama ')).toBe('My Llama');
    expect(importedModelName(cfg, 'llama-7b.json', '')).toBe('llama-7b');
    expect(importedModelName(cfg, 'C:\\models\\config.json', '')).toBe('meta-llama/Llama-2-7b-hf');
    expect(importedModelName(cfg, 'config.json')).toBe('meta-llama/Llama-2-7b-hf');
    expect(importedModelName({ _name_or_path: '/data/ckpt/qwen2-7b/' }, 'config.json')).toBe('qwen2-7b');
    expect(importedModelName({ architectures: ['MistralForCausalLM'] }, 'config.json')).toBe('MistralForCausalLM');
    expect(importedModelName(null, undefined, undefined)).toBe('Imported model');
  });

  it('strips control characters and caps the length', () => {
    expect(importedModelName({ _name_or_path: 'evil\n; rm -rf /' }, 'config.json')).toBe('evil; rm -rf /');
    expect(importedModelName({}, `${'x'.repeat(300)}.json`)).toHaveLength(200);
  });

  it('names a real config.json by what it holds', () => {
    expect(importedModelName(QWEN3, 'config.json')).toBe('Qwen3ForCausalLM');
    expect(importedModelName(QWEN3, 'Qwen3-0.6B.json')).toBe('Qwen3-0.6B');
  });
});
