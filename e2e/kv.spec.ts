/**
 * KV strategies (issue 6): switching the plan's KV strategy moves its curve on the KV capacity chart,
 * and letting the search vary strategies changes the ranking — KIVI-2 (lossy) is refused until lossy
 * strategies are allowed, then wins.
 */
import type { Page } from '@playwright/test';
import { expect, hashLinkOf, openFresh, scenarioOf, shot, test } from './fixtures.ts';

/** Llama 3.1 8B on two H100s, 32K-token prompts, offline: KV-bound, so the KV format decides throughput. */
function longContextLink(): Promise<string> {
  return hashLinkOf({
    version: 1,
    model: 'llama-3.1-8b',
    cluster: { gpu: 'h100-sxm', nodes: 1, gpusPerNode: 2 },
    plan: { tp: 1, pp: 1, dp: 2, ep: 1, attentionDp: 1 },
    workload: { inputTokens: 32_000, outputTokens: 1000, requests: 100, arrival: { kind: 'offline' } },
    slo: { ttftMs: 20_000, tpotMs: 200 },
  });
}

/** The plan's own curve on the capacity chart: its column of the numbers table, and its drawn path. */
async function currentCurve(page: Page): Promise<{ values: string; path: string | null }> {
  const chart = page.getByTestId('kv-capacity-chart');
  await expect(chart.locator('path.pkv-series').first()).toBeVisible();
  const values = (
    await page.getByTestId('kv-capacity-table').locator('td[data-series="current"]').allTextContents()
  ).join('|');
  const path = await chart.locator('path.pkv-series').first().getAttribute('d');
  return { values, path };
}

const topRowKv = (page: Page) => page.getByTestId('plan-row').first().getByTestId('plan-kv');
// The number itself, without the expected-error band printed under it.
const topRowThroughput = (page: Page) => page.getByTestId('plan-row').first().getByTestId('plan-throughput');

test('switching the plan’s KV strategy changes its capacity curve; the search refuses KIVI-2 until lossy is allowed, then ranks it first', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await openFresh(page, await longContextLink());

  // --- The capacity chart follows the plan's strategy.
  await page.getByTestId('tab-kv').click();
  const bf16 = await currentCurve(page);
  await expect(page.getByTestId('kv-plan-strategy')).toContainText('plain KV');
  await expect(page.getByTestId('kv-capacity-table').locator('th[data-series="kivi2"]')).toContainText(
    'KIVI-2 (lossy)',
  );

  const preset = page.getByTestId('kv-strategy-preset');
  await preset.selectOption('fp8');
  await expect(page.getByTestId('kv-strategy-fidelity')).toHaveText('near-lossless');
  await expect(page.getByTestId('kv-plan-strategy')).toContainText('fp8 KV');
  await expect.poll(async () => (await currentCurve(page)).values).not.toBe(bf16.values);
  const fp8 = await currentCurve(page);
  expect(fp8.path).not.toBe(bf16.path);
  await expect.poll(async () => (await scenarioOf(page)).runtime.kvStrategy?.quant?.dtype).toBe('fp8');

  await preset.selectOption('kivi2');
  await expect(page.getByTestId('kv-strategy-fidelity')).toHaveText('approximate (lossy)');
  await expect.poll(async () => (await currentCurve(page)).values).not.toBe(fp8.values);
  await shot(page, 'kv-01-capacity-kivi2');

  // A knob of the strategy: an out-of-range group size is refused next to the field.
  const group = page.getByTestId('kv-card-quant').getByLabel('Group size');
  await group.fill('4');
  await expect(page.getByTestId('kv-card-quant')).toContainText('must be at least 8');
  await group.fill('64');
  await expect.poll(async () => (await scenarioOf(page)).runtime.kvStrategy?.quant?.groupSize).toBe(64);

  // Back to plain KV for the search.
  await preset.selectOption('none');
  await expect.poll(async () => (await currentCurve(page)).values).toBe(bf16.values);

  // --- The search varies plain KV, fp8 and KIVI-2; lossy strategies are not allowed by default.
  await page.getByTestId('objective').selectOption('throughput-per-gpu');
  await expect(page.getByTestId('allow-lossy')).not.toBeChecked();
  await page.getByTestId('kv-search-fp8').click();
  await page.getByTestId('kv-search-kivi2').click();
  await expect(page.getByTestId('kv-search-kivi2')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('kv-search-kivi2')).toContainText('lossy');

  await page.getByTestId('run-search').first().click();
  await expect(topRowKv(page)).toHaveText(/fp8 KV/, { timeout: 60_000 });
  await expect(page.getByTestId('search-progress')).toContainText(/Done/, { timeout: 60_000 });
  const kvColumn = await page.getByTestId('plan-kv').allTextContents();
  expect(kvColumn.length).toBeGreaterThan(0);
  expect(kvColumn.some((t) => /KIVI-2/.test(t))).toBe(false);
  await expect(page.getByTestId('refused-strategies')).toContainText('KIVI-2');
  await page.getByTestId('rejected-plans').locator('summary').click();
  await expect(page.getByTestId('rejected-plans')).toContainText('KIVI-2 not allowed: lossy');
  // Why the selected (best) plan won, KIVI-2's refusal included.
  await expect(page.getByTestId('plan-reason')).toContainText(/fp8 KV .*doubles concurrency/);
  await expect(page.getByTestId('plan-reason')).toContainText('KIVI-2 not allowed: lossy');
  await expect(page.getByTestId('plan-row').first()).toHaveAttribute('aria-selected', 'true');
  const exactTop = (await topRowThroughput(page).textContent())!.trim();
  await shot(page, 'kv-02-search-lossy-refused');

  // --- Allow lossy: KIVI-2 wins and the best throughput rises.
  await page.getByTestId('allow-lossy').check();
  await expect(page.getByTestId('stale')).toBeVisible();
  await page.getByTestId('run-search').first().click();
  await expect(topRowKv(page)).toHaveText(/KIVI-2/, { timeout: 60_000 });
  await expect(page.getByTestId('search-progress')).toContainText(/Done/, { timeout: 60_000 });
  await expect(topRowKv(page)).toContainText('approximate (lossy)');
  const lossyTop = (await topRowThroughput(page).textContent())!.trim();
  expect(lossyTop).not.toBe(exactTop);
  expect(Number(lossyTop.replace(/,/g, ''))).toBeGreaterThan(Number(exactTop.replace(/,/g, '')));
  await expect(page.getByTestId('refused-strategies')).toHaveCount(0);
  // The winner became the selected plan: its KV strategy is KIVI-2, and the chart's own curve says so.
  await expect.poll(async () => (await scenarioOf(page)).runtime.kvStrategy?.quant?.dtype).toBe('kivi2');
  await expect(page.getByTestId('kv-plan-strategy')).toContainText('KIVI-2');
  await expect(page.getByTestId('plan-reason')).toContainText('KIVI-2');
  await shot(page, 'kv-03-search-lossy-allowed');
});

test('an offloading strategy shows its KV tiers in the memory view and its host-link transfers in the Gantt', async ({
  page,
}) => {
  await openFresh(page, await longContextLink());
  await page.getByTestId('kv-strategy-preset').selectOption('host-offload');
  await expect(page.getByTestId('kv-card-offload')).toBeVisible();
  await page.getByTestId('tab-memory').click();
  await expect(page.getByTestId('memory-chart')).toContainText('Host DRAM');
  await expect(page.getByTestId('memory-tiers')).toContainText('240 GB');
  await page.getByTestId('tab-gantt').click();
  const gantt = page.getByTestId('gantt-chart');
  await expect(gantt).toContainText('KV HBM → host (D2H)');
  await expect(gantt).toContainText('KV host → HBM (H2D)');
  await shot(page, 'kv-04-gantt-host-link');
});
