/** Shared fixtures for the kv tests (not exported from index.ts). */
import { parseScenario } from '../scenario/validate.ts';
import { resolveDeployment, type Deployment } from '../cost/deployment.ts';

/** One serving deployment from a partial scenario (defaults: 1 node × 1 GPU). */
export function deployment(model: string, gpu: string, extra: Record<string, unknown> = {}): Deployment {
  // The worked examples were hand-computed with 256 running sequences (the pre-profile default; vLLM's
  // own default on an 80 GB GPU is 1024, core/engine), which sizes the logits activations.
  const runtime = { maxNumSeqs: 256, ...(extra.runtime as Record<string, unknown> | undefined) };
  const p = parseScenario({ version: 1, model, cluster: { gpu, nodes: 1, gpusPerNode: 8 }, ...extra, runtime });
  if (!p.ok) throw new Error(p.errors.join('; '));
  return resolveDeployment(p.scenario);
}

/** The worked example: Llama-3.1-8B on one H100 SXM (80 GB), vLLM defaults (0.9 utilisation, 16-token blocks). */
export const llama8bH100 = (): Deployment => deployment('llama-3.1-8b', 'h100-sxm');

export const KiB = 1024;
export const GiB = 2 ** 30;
