/**
 * Link codec: `scenarioFromLink` (decodeLink bound to the scenario schema) on mutations of real links
 * (the example scenarios encoded), compression bombs, and random strings. decodeLink documents that
 * it never throws or rejects: every failure is `{ ok: false, error }`.
 */
import { bytesToBase64url } from '../../core/share/codec.ts';
import { scenarioFromLink, scenarioToLink } from '../../core/share/scenario-link.ts';
import { parseScenario } from '../../core/scenario/validate.ts';
import { mutateText, randomText } from '../mutate.ts';
import { FuzzInvariantError, preview, type FuzzSurface } from '../types.ts';
import { seedScenarios } from './scenario.ts';

interface Ctx {
  links: string[];
}

async function deflateRaw(text: string): Promise<Uint8Array> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('deflate-raw'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

export const linkSurface: FuzzSurface<string, Ctx> = {
  name: 'link',
  description: 'scenarioFromLink on mutated real links, compression bombs and random strings',
  expectedErrors: [],
  async setup() {
    const links: string[] = [];
    for (const s of seedScenarios()) {
      const p = parseScenario(s);
      if (p.ok) links.push(await scenarioToLink(p.scenario));
    }
    // Bombs: small links that inflate past the 2 MB cap, or into deep nesting / huge arrays.
    const deep = `{"version":1,"model":"llama-3.1-8b","cluster":{"gpu":"h100-sxm"},"x":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    for (const body of ['['.repeat(200_000), ' '.repeat(8_000_000), `[${'0,'.repeat(1_500_000)}0]`, deep]) {
      links.push(`s1.${bytesToBase64url(await deflateRaw(body))}`);
    }
    return { links };
  },
  generate(rng, ctx) {
    const kind = rng.int(0, 9);
    const base = rng.pick(ctx.links);
    if (kind <= 5) {
      // Mutate the payload part only (keeps the prefix, so decoding goes deep).
      const dot = base.indexOf('.');
      let body = base.slice(dot + 1);
      const flips = rng.int(1, 4);
      for (let i = 0; i < flips && body.length > 0; i++) {
        const at = rng.int(0, body.length - 1);
        body = body.slice(0, at) + rng.pick([...BASE64URL]) + body.slice(at + 1);
      }
      if (rng.chance(0.2)) body = body.slice(0, rng.int(0, body.length));
      const prefix = rng.chance(0.8) ? base.slice(0, dot + 1) : `s${rng.pick(['0', '2', '999', '1000', '01', '-1'])}.`;
      return `${rng.chance(0.3) ? 'https://parakv.example/#' : ''}${prefix}${body}`;
    }
    if (kind <= 7) return mutateText(rng, base);
    if (kind === 8) return `s1.${Array.from({ length: rng.int(0, 90_000) }, () => rng.pick([...BASE64URL])).join('')}`;
    return randomText(rng);
  },
  async run(link) {
    const r = await scenarioFromLink(link);
    if (r.ok !== true && (r.ok !== false || typeof r.error !== 'string' || r.error.length === 0)) {
      throw new FuzzInvariantError('decodeLink returned neither a scenario nor an error message');
    }
    return r;
  },
  describe: (link) => preview(link),
};
