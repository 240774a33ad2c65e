import { evaluateFast } from '../src/core/evaluate/fast.ts';
import { expect, openFresh, runSearch, scenarioOf, shot, test } from './fixtures.ts';

test('first load shows a live plan with no console errors', async ({ page }) => {
  await openFresh(page);
  await expect(page.getByTestId('plan-title')).not.toBeEmpty();
  await expect(page.getByTestId('bottleneck')).toContainText(/decode step|Does not fit|Overloaded/);
  await shot(page, '01-first-load');
});

test('the numbers shown equal the engine’s closed-form evaluation of the URL’s scenario', async ({ page }) => {
  await openFresh(page);
  const scenario = await scenarioOf(page);
  const r = evaluateFast(scenario);
  const kpis = page.getByTestId('plan-kpis');
  const perGpu = r.metrics.outputTokPerSecPerGpu;
  const shown = perGpu >= 1000 ? Math.round(perGpu).toLocaleString('en-US') : String(Number(perGpu.toPrecision(4)));
  await expect(kpis).toContainText(shown);
  await expect(kpis).toContainText(`$${Number(r.metrics.costUsdPerMOutputTokens!.toPrecision(3))}`);
});

test('pick a model and cluster, search, select a plan, see memory/Gantt/roofline, export a matching vLLM command', async ({
  page,
}) => {
  await openFresh(page);
  await page.getByTestId('model-search').fill('8B');
  await page.getByTestId('model-llama-3.1-8b').click();
  await page.locator('select:has(option[value="dgx-h100"])').selectOption('dgx-h100');
  await expect(page.locator('header')).toContainText('Llama 3.1 8B');
  await runSearch(page);
  await shot(page, '02-search-results');
  await expect(page.getByTestId('pareto-chart').locator('circle').first()).toBeVisible();

  // Select the second-ranked plan and check the detail follows it.
  const row = page.getByTestId('plan-row').nth(1);
  const planName = (await row.locator('td').nth(1).innerText()).split('\n')[0]!.trim();
  await row.click();
  await expect(page.getByTestId('plan-title')).toContainText(planName.split(' ')[0]!);

  // Memory: stacked bars with real marks.
  await page.getByRole('tab', { name: 'Memory' }).click();
  expect(await page.getByTestId('memory-chart').locator('rect').count()).toBeGreaterThan(3);

  // Gantt: a canvas with painted spans (non-background pixels).
  await page.getByRole('tab', { name: 'Gantt' }).click();
  const canvas = page.getByTestId('gantt-chart').locator('canvas').first();
  await expect(canvas).toBeVisible();
  const painted = await canvas.evaluate((c: HTMLCanvasElement) => {
    const ctx = c.getContext('2d')!;
    const { data } = ctx.getImageData(0, 0, c.width, c.height);
    const colours = new Set<number>();
    for (let i = 0; i < data.length; i += 4 * 97) colours.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!);
    return colours.size;
  });
  expect(painted).toBeGreaterThan(3);
  await shot(page, '03-gantt');

  // Roofline: one point per op, over the ceilings.
  await page.getByRole('tab', { name: 'Roofline' }).click();
  expect(await page.getByTestId('roofline-chart').locator('circle, path.point, .point').count()).toBeGreaterThan(3);
  await shot(page, '04-roofline');

  // The vLLM command's parallel flags match the selected plan.
  await page.getByRole('tab', { name: 'Engine command' }).click();
  const cmd = await page.getByTestId('export-vllm').innerText();
  const title = await page.getByTestId('plan-title').innerText();
  const tp = /TP(\d+)/.exec(title)?.[1] ?? '1';
  const pp = /PP(\d+)/.exec(title)?.[1] ?? '1';
  const dp = /DP(\d+)/.exec(title)?.[1] ?? '1';
  expect(cmd).toContain('vllm serve meta-llama/Llama-3.1-8B');
  expect(cmd).toContain(`--tensor-parallel-size ${tp}`);
  if (pp !== '1') expect(cmd).toContain(`--pipeline-parallel-size ${pp}`);
  else expect(cmd).not.toMatch(/--pipeline-parallel-size [2-9]/);
  // DP replicas are either vLLM's own data parallelism or N copies of the command behind a balancer.
  if (dp !== '1') expect(cmd).toMatch(new RegExp(`--data-parallel-size ${dp}|dp=${dp} replicas`));
  await shot(page, '05-command');
});

test('editing an input re-evaluates at once and marks search results stale', async ({ page }) => {
  await openFresh(page);
  await runSearch(page);
  const before = await page.getByTestId('plan-kpis').innerText();
  await page.getByTestId('gpu-util-slider').fill('0.6');
  await expect(page.getByTestId('stale')).toBeVisible();
  await expect.poll(() => page.getByTestId('plan-kpis').innerText()).not.toBe(before);
});

test('dark theme and a 1024-wide window stay usable', async ({ page }) => {
  await page.setViewportSize({ width: 1024, height: 768 });
  await openFresh(page);
  await page.getByTestId('theme-toggle').click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await runSearch(page);
  await shot(page, '06-dark-1024');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(1);
});
