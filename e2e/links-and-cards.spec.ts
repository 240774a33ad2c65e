/**
 * Issue 14 §5: a shared link reproduces the sender's table (search settings + selected plan), and
 * "Simulate this plan" updates the headline cards. Also the P/D heading (§6).
 */
import { encodeLink } from '../src/core/share/codec.ts';
import { parseScenario } from '../src/core/scenario/validate.ts';
import { sharedFromLink, sharedToLink } from '../src/core/share/scenario-link.ts';
import { DEFAULT_SCENARIO } from '../src/state/defaults.ts';
import { DEFAULT_SEARCH_DRAFT } from '../src/state/store.ts';
import { expect, runSearch, settledUrl, shot, test } from './fixtures.ts';

function scenario(x: unknown) {
  const p = parseScenario(x);
  if (!p.ok) throw new Error(p.errors.join('; '));
  return p.scenario;
}

test('a shared link restores the search settings, the table and the selected plan', async ({ page, browser }) => {
  // The sender ranks by cost with P/D splits allowed (simulateTop 0: closed-form rows, reproducible to the digit).
  const search = { ...DEFAULT_SEARCH_DRAFT, objective: 'cost' as const, allowDisaggregation: true, simulateTop: 0 };
  await page.goto(`/#${await sharedToLink({ scenario: DEFAULT_SCENARIO, search })}`);
  await expect(page.getByTestId('plan-kpis')).toBeVisible();
  await expect(page.getByTestId('objective')).toHaveValue('cost');
  await expect(page.getByTestId('allow-disagg')).toBeChecked();
  await runSearch(page);
  const rows = page.getByTestId('plan-row');
  // Pick the third row: the link must carry this choice, not fall back to rank 1.
  const rankOne = await settledUrl(page);
  await rows.nth(2).click();
  await expect(rows.nth(2)).toHaveAttribute('aria-selected', 'true');
  const senderRows = await rows.allInnerTexts();
  const senderPlan = await page.getByTestId('plan-title').innerText();
  const link = await settledUrl(page, rankOne);
  const decoded = await sharedFromLink(link);
  expect(decoded.ok && decoded.value.search).toMatchObject({ objective: 'cost', allowDisaggregation: true });
  expect(decoded.ok && decoded.value.showTable).toBe(true);

  // The recipient: a fresh browser profile (no session, their own defaults) opens the link.
  const other = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const them = await other.newPage();
  const errors: string[] = [];
  them.on('pageerror', (e) => errors.push(String(e)));
  await them.goto(link);
  await expect(them.getByTestId('objective')).toHaveValue('cost');
  await expect(them.getByTestId('allow-disagg')).toBeChecked();
  await expect(them.getByTestId('search-progress')).toContainText(/Done|done/, { timeout: 45_000 });
  await expect(them.getByTestId('plan-row').first()).toBeVisible();
  expect(await them.getByTestId('plan-row').allInnerTexts()).toEqual(senderRows);
  await expect(them.getByTestId('plan-title')).toHaveText(senderPlan);
  await expect(them.getByTestId('plan-row').nth(2)).toHaveAttribute('aria-selected', 'true');
  await them.screenshot({ path: 'test-results/screens/links-recipient.png', fullPage: true });
  expect(errors).toEqual([]);
  await other.close();
});

test('an old v1 link (no search settings) still opens on its plan', async ({ page }) => {
  const s = { ...DEFAULT_SCENARIO, plan: { ...DEFAULT_SCENARIO.plan, tp: 4, dp: 4 } };
  await page.goto(`/#${await encodeLink(s, 1)}`);
  await expect(page.getByTestId('plan-title')).toHaveText('TP4 · DP4');
  await expect(page.getByTestId('objective')).toHaveValue('goodput');
});

test('Simulate this plan updates the headline cards; a large TTFT reads in minutes', async ({ page }) => {
  // Issue 14 §1: Llama-3.1-405B on 2×8 H100 at 20 req/s on TP4 PP3 is overloaded: the closed form has no TTFT.
  const overload = scenario({
    version: 1,
    model: 'llama-3.1-405b',
    cluster: { gpu: 'h100-sxm', nodes: 2, gpusPerNode: 8 },
    plan: { tp: 4, pp: 3, dp: 1 },
    workload: { inputTokens: 1155, outputTokens: 211, requests: 2000, arrival: { kind: 'poisson', ratePerSec: 20 } },
    slo: { ttftMs: 1000, tpotMs: 100 },
  });
  await page.goto(`/#${await sharedToLink({ scenario: overload })}`);
  await expect(page.getByTestId('plan-kpis')).toBeVisible();
  await expect(page.getByTestId('plan-source')).toContainText('closed-form');
  await expect(page.getByTestId('kpi-ttft')).toContainText('— / —');
  const before = await page.getByTestId('kpi-throughput').innerText();
  await page.getByRole('tab', { name: 'Latency' }).click();
  await page.getByTestId('simulate-plan').first().click();
  await expect(page.getByTestId('plan-source')).toContainText('simulated · this plan', { timeout: 60_000 });
  // The cards now hold the simulation's numbers: a TTFT in minutes that fits its card.
  const ttft = page.getByTestId('kpi-ttft');
  await expect(ttft).toContainText(/[\d.]+ \/ [\d.]+\s*min/);
  const fits = await ttft.evaluate((el) => {
    const v = el.querySelector('.kpi__value') as HTMLElement;
    return v.scrollWidth <= el.clientWidth;
  });
  expect(fits).toBe(true);
  expect(await page.getByTestId('kpi-throughput').innerText()).not.toEqual(before);
  await shot(page, 'simulate-cards');
  // An edit makes the simulation stale: the cards go back to the live estimate.
  await page.getByTestId('plan-pp').fill('2');
  await page.getByTestId('plan-pp').blur();
  await expect(page.getByTestId('plan-source')).not.toContainText('simulated · this plan');
});

test('the P/D heading names each pool with EP and ADP, and warnings are in words', async ({ page }) => {
  const pd = scenario({
    version: 1,
    model: 'deepseek-v3',
    precision: { weights: 'fp8', activations: 'fp8', kvCache: 'fp8' },
    cluster: { gpu: 'h200', nodes: 4, gpusPerNode: 8 },
    plan: {
      prefill: { instances: 1, tp: 8, ep: 8, attentionDp: 1 },
      decode: { instances: 1, tp: 8, ep: 16, attentionDp: 2 },
    },
    workload: { inputTokens: 2048, outputTokens: 512, requests: 4000, arrival: { kind: 'poisson', ratePerSec: 8 } },
    slo: { ttftMs: 2000, tpotMs: 60 },
  });
  await page.goto(`/#${await sharedToLink({ scenario: pd })}`);
  await expect(page.getByTestId('plan-title')).toHaveText('Prefill 1× TP8·EP8 + Decode 1× TP8·EP16·ADP2');
  await expect(page.getByTestId('warnings')).toContainText('per decode instance');
  await expect(page.getByTestId('warnings')).not.toContainText('result.plan');
});
