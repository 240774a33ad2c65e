/**
 * One hand-off model (issue 11): the simulator, the closed-form P/D estimator, the Gantt and the
 * KV-effect view gave 0.93, 0.94 and 6.7 ms for the same 8,192-token Llama-3.1-70B hand-off between
 * two TP8 instances inside one NVLink domain. They now share cost/handoff.ts and agree.
 */
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../scenario/validate.ts';
import type { Scenario } from '../scenario/schema.ts';
import { kvEffect } from '../kvplan/effect.ts';
import { planKvHandoff } from '../views/gantt.ts';
import { resolvePools } from './pools.ts';
import { kvTransferLinkFor } from '../sim/engine.ts';
import { resolveDeployment } from './deployment.ts';
import { getGpu } from '../hardware/gpus.ts';
import { handoffLink, handoffSeconds } from './handoff.ts';

const TOKENS = 8192;
const BYTES = TOKENS * 80 * 8 * 128 * 2 * 2; // Llama-3.1-70B bf16: 80 layers × 8 KV heads × 128 × (K,V) × 2 B

/** Two TP8 pools on 16 H100s: in one 16-GPU NVLink domain (e.g. an NVLink switch tray) or across two 8-GPU nodes. */
function pd(scaleUpDomainGpus: 8 | 16): Scenario {
  const p = parseScenario({
    version: 1,
    model: 'llama-3.1-70b',
    cluster: { gpu: 'h100-sxm', nodes: 2, gpusPerNode: 8, scaleUpDomainGpus },
    plan: { prefill: { tp: 8, instances: 1 }, decode: { tp: 8, instances: 1 } },
    workload: { inputTokens: TOKENS, outputTokens: 128 },
  });
  if (!p.ok) throw new Error(p.errors.join('; '));
  return p.scenario;
}

describe('the prefill→decode KV hand-off', () => {
  it('is α + bytes / (lanes · B · η): 0.93 ms over NVLink for 8,192 Llama-70B tokens between TP8 instances', () => {
    const h100 = getGpu('h100-sxm')!;
    const link = handoffLink(h100, 8, true);
    const expected = h100.scaleUpLatencyUs / 1e6 + BYTES / (8 * h100.scaleUpGBps * 1e9 * link.efficiency);
    expect(handoffSeconds(BYTES, link)).toBeCloseTo(expected, 12);
    expect(handoffSeconds(BYTES, link) * 1e3).toBeCloseTo(0.93, 2);
    expect(handoffSeconds(BYTES, handoffLink(h100, 8, false)) * 1e3).toBeCloseTo(8.4, 1);
  });

  it('the closed form (Gantt lane), the simulator link and the KV-effect view give the same time', () => {
    const s = pd(16);
    const gantt = planKvHandoff(s)!;
    expect(gantt.link).toBe('NVLink');
    expect(gantt.bytes).toBe(BYTES);
    const sim = kvTransferLinkFor(resolvePools(s))!;
    expect(sim.scope).toBe('nvlink');
    expect(handoffSeconds(BYTES, sim)).toBeCloseTo(gantt.seconds, 12);
    const colocated = resolveDeployment({ ...s, plan: { tp: 8, pp: 1, dp: 1, ep: 1, attentionDp: 1 } });
    const effect = kvEffect(colocated, {}, TOKENS).transfers.disaggHandoff;
    expect(effect.bytes).toBe(BYTES);
    expect(effect.seconds).toBeCloseTo(gantt.seconds, 12);
  });

  it('crosses the NICs when the pools do not share a scale-up domain', () => {
    const gantt = planKvHandoff(pd(8))!;
    expect(gantt.link).toBe('NIC');
    expect(gantt.seconds * 1e3).toBeCloseTo(8.4, 1);
  });
});
