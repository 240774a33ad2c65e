/**
 * Speculative decoding (issue 13, ui/inputs/SpeculativeEditor): turning MTP on for a model that ships
 * MTP heads moves the plan's TPOT and throughput and puts the verify step and the draft pass in the
 * Gantt; a model without MTP heads keeps the setting but shows why it is refused; a reload of the URL
 * keeps the setting and the speculative settings the search may try.
 */
import { sharedFromLink } from '../src/core/share/scenario-link.ts';
import type { Page } from '@playwright/test';
import { expect, hashLinkOf, openFresh, scenarioOf, shot, test } from './fixtures.ts';

/** Qwen3.5-35B-A3B (one MTP layer in its config.json) on two H100s, 32 chat users in a closed loop (throughput follows TPOT). */
function mtpModelLink(): Promise<string> {
  return hashLinkOf({
    version: 1,
    model: 'qwen3.5-35b-a3b',
    cluster: { gpu: 'h100-sxm', nodes: 1, gpusPerNode: 2 },
    plan: { tp: 2, pp: 1, dp: 1, ep: 1, attentionDp: 1 },
    workload: { inputTokens: 2000, outputTokens: 500, requests: 200, arrival: { kind: 'concurrency', users: 32 } },
    slo: { ttftMs: 2000, tpotMs: 100 },
  });
}

/** The search's speculative choices that the page's URL carries. */
async function linkSpeculative(page: Page) {
  const r = await sharedFromLink(page.url());
  return r.ok ? r.value.search?.speculative : undefined;
}

const kpi = (page: Page, name: 'tpot' | 'throughput') => page.getByTestId(`kpi-${name}`).innerText();

test('MTP on a model with MTP heads moves TPOT and throughput, shows draft/verify, is refused without heads, survives a reload', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await openFresh(page, await mtpModelLink());
  const editor = page.getByTestId('speculative-editor');
  await expect(page.getByTestId('kpi-tpot')).toBeVisible();
  const tpotOff = await kpi(page, 'tpot');
  const throughputOff = await kpi(page, 'throughput');

  // --- On: the model has MTP heads, so the switch writes MTP with one draft token.
  await page.getByTestId('spec-on').check();
  await expect(page.getByTestId('spec-method')).toHaveValue('mtp');
  await expect(page.getByTestId('spec-method')).not.toHaveAttribute('aria-invalid', 'true');
  await expect(editor).toContainText(/tokens per verify step of 2 positions \(k = 1 draft at/);
  await expect.poll(() => kpi(page, 'tpot'), { timeout: 15_000 }).not.toBe(tpotOff);
  await expect.poll(() => kpi(page, 'throughput'), { timeout: 15_000 }).not.toBe(throughputOff);
  // The URL follows the edit after its debounce (state/url-sync.ts), not with the KPIs.
  await expect
    .poll(async () => (await scenarioOf(page)).runtime.speculative)
    .toEqual({ method: 'mtp', draftTokens: 1 });
  await shot(page, 'spec-01-mtp-on');

  // --- The Gantt's decode iteration is a verify step followed by the MTP draft pass.
  await page.getByTestId('tab-gantt').click();
  const gantt = page.getByTestId('gantt-chart');
  await expect(gantt).toContainText(/verify step: .* × 2 positions/);
  await expect(gantt).toContainText('then 1 mtp draft pass');
  await shot(page, 'spec-02-gantt-verify-draft');

  // --- The search may try MTP-1 as well as no speculation.
  const chips = page.getByTestId('spec-search');
  await chips.getByRole('button', { name: 'no spec' }).click();
  await chips.getByRole('button', { name: 'MTP-1', exact: true }).click();
  await expect(chips.getByRole('button', { name: 'MTP-1', exact: true })).toHaveAttribute('aria-pressed', 'true');

  // --- Reload the URL: the plan's setting and the search's choices come back from the link.
  await expect.poll(() => linkSpeculative(page), { timeout: 5000 }).toEqual(['off', { method: 'mtp', draftTokens: 1 }]);
  const hash = new URL(page.url()).hash;
  const tpotMtp = await kpi(page, 'tpot');
  await page.reload();
  await expect(page.getByTestId('plan-kpis')).toBeVisible();
  expect(new URL(page.url()).hash).toBe(hash);
  await expect(page.getByTestId('spec-on')).toBeChecked();
  await expect(page.getByTestId('spec-method')).toHaveValue('mtp');
  await expect.poll(() => kpi(page, 'tpot'), { timeout: 15_000 }).toBe(tpotMtp);
  const reloaded = page.getByTestId('spec-search');
  await expect(reloaded.getByRole('button', { name: 'no spec' })).toHaveAttribute('aria-pressed', 'true');
  await expect(reloaded.getByRole('button', { name: 'MTP-1', exact: true })).toHaveAttribute('aria-pressed', 'true');

  // --- A model without MTP heads: the setting stays, the method field says why it is refused.
  await page.getByTestId('model-search').fill('llama-3.1-8b');
  await page.getByTestId('model-llama-3.1-8b').click();
  await expect(page.getByTestId('spec-method')).toHaveValue('mtp');
  await expect(page.getByTestId('spec-method')).toHaveAttribute('aria-invalid', 'true');
  await expect(editor.getByRole('alert')).toContainText('needs multi-token-prediction heads');
  await expect(editor.getByRole('alert')).toContainText('use eagle, eagle3 or ngram');
  await shot(page, 'spec-03-mtp-refused');

  // The search's MTP-1 choice is refused too, and its chip stays so it can be unselected.
  const mtpChip = page.getByTestId('spec-search').getByRole('button', { name: 'MTP-1', exact: true });
  await expect(page.getByText(/The search cannot start: speculative: \[1\]: mtp needs/)).toBeVisible();
  await mtpChip.click();
  await expect(mtpChip).toHaveCount(0);
  await expect(page.getByText(/The search cannot start/)).toHaveCount(0);

  // Switching to EAGLE-3 clears the refusal.
  await page.getByTestId('spec-method').selectOption('eagle3');
  await expect(page.getByTestId('spec-method')).not.toHaveAttribute('aria-invalid', 'true');
  await expect.poll(async () => (await scenarioOf(page)).runtime.speculative?.method).toBe('eagle3');
});
