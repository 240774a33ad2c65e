import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, hashLinkOf, scenarioOf, shot, test } from './fixtures.ts';

/** The deployment the committed vLLM sample ran: Llama-3.1-8B on one H100, 16 clients, 1024/256 tokens. */
const SCENARIO = {
  version: 1,
  model: 'llama-3.1-8b',
  cluster: { gpu: 'h100-sxm', nodes: 1, gpusPerNode: 1 },
  plan: { tp: 1 },
  runtime: { engine: { name: 'vllm', version: '0.19.0' } },
  workload: { inputTokens: 1024, outputTokens: 256, requests: 320, arrival: { kind: 'concurrency', users: 16 } },
};

test('paste a vLLM result → chip shows → the plan’s TPOT moves → the link round-trips it', async ({
  page,
  browser,
}) => {
  await page.goto(`/${await hashLinkOf(SCENARIO)}`);
  const tpot = page.getByTestId('kpi-tpot');
  await expect(tpot).toBeVisible();
  await expect(tpot).toContainText('±');
  const before = await tpot.innerText();

  const sample = readFileSync(resolve(import.meta.dirname, '../data/samples/bench/vllm-bench-serve.json'), 'utf8');
  await page.getByTestId('calibration-paste').fill(sample);
  await page.getByTestId('calibration-apply').click();
  await expect(page.getByTestId('calibration-chip')).toHaveText('calibrated on 1 of your point');
  await expect(page.getByTestId('calibration-report')).toBeVisible();
  await expect.poll(() => tpot.innerText(), { timeout: 15_000 }).not.toBe(before);
  await shot(page, 'calibration-panel');

  const s = await scenarioOf(page);
  expect(s.runtime.engine?.calibration?.points).toBe(1);
  const after = await tpot.innerText();
  const other = await browser.newContext();
  const p2 = await other.newPage();
  await p2.goto(page.url());
  await expect(p2.getByTestId('calibration-chip')).toHaveText('calibrated on 1 of your point');
  await expect.poll(() => p2.getByTestId('kpi-tpot').innerText(), { timeout: 15_000 }).toBe(after);
  await other.close();
});
