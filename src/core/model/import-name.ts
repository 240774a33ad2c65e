/**
 * The name an imported config.json gets (issue 14: files imported with "Choose file" stayed named
 * "My model", and the launch command then read `/path/to/My model`). First of:
 *  1. the name the person typed;
 *  2. the file's name without `.json`, unless it is the generic `config.json`;
 *  3. the config's `_name_or_path` (transformers writes the hub id there, e.g. "meta-llama/Llama-2-7b-hf");
 *  4. its first `architectures` entry ("LlamaForCausalLM");
 *  5. "Imported model".
 * Trimmed and capped at 200 characters (the scenario schema's limit for model.name).
 */
export const MAX_MODEL_NAME_CHARS = 200;

const clean = (v: unknown): string | null => {
  if (typeof v !== 'string') return null;
  // Control characters would end up in a shell command.
  const s = Array.from(v)
    .filter((ch) => ch.charCodeAt(0) >= 0x20 && ch.charCodeAt(0) !== 0x7f)
    .join('')
    .trim();
  return s.length > 0 ? s.slice(0, MAX_MODEL_NAME_CHARS) : null;
};

export function importedModelName(config: unknown, fileName?: string | null, typedName?: string | null): string {
  const typed = clean(typedName);
  if (typed) return typed;
  const file = clean(fileName?.replace(/^.*[\\/]/, ''));
  if (file && file.toLowerCase() !== 'config.json') {
    const stem = clean(file.replace(/\.json$/i, ''));
    if (stem) return stem;
  }
  const c =
    config !== null && typeof config === 'object' && !Array.isArray(config) ? (config as Record<string, unknown>) : {};
  const hub = clean(c._name_or_path);
  // A local checkout path ("/models/llama") names the folder; a hub id keeps its org.
  if (hub)
    return hub.startsWith('/') || hub.startsWith('.')
      ? (clean(hub.replace(/[\\/]+$/, '').replace(/^.*[\\/]/, '')) ?? hub)
      : hub;
  const arch = Array.isArray(c.architectures) ? clean(c.architectures[0]) : null;
  if (arch) return arch;
  return 'Imported model';
}
