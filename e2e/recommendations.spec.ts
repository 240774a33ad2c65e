/**
 * Recommendations a user can trust (issue 14): the overload verdict, the cheapest sufficient plan
 * first in a tie, and a chat preset's context limit in the Engine command tab.
 */
import { expect, hashLinkOf, openFresh, runSearch, shot, test } from './fixtures.ts';

function linkFor(model: string, nodes: number, ratePerSec: number): Promise<string> {
  return hashLinkOf({
    version: 1,
    model,
    cluster: { gpu: 'h100-sxm', nodes, gpusPerNode: 8 },
    workload: { inputTokens: 1024, outputTokens: 256, requests: 1000, arrival: { kind: 'poisson', ratePerSec } },
  });
}

test('overload: Llama-3.1-405B on 2×8 H100 at 20 req/s says no plan sustains it, and ranks the best sustainer first', async ({
  page,
}) => {
  await openFresh(page, await linkFor('llama-3.1-405b', 2, 20));
  await runSearch(page);
  const banner = page.getByTestId('load-verdict');
  await expect(banner).toHaveAttribute('data-kind', 'overloaded');
  await expect(banner).toContainText(
    /No plan sustains 20 req\/s within SLO; the best sustains [\d.]+ req\/s \(TP\d+ PP\d+ DP\d+\): about \d+× the GPUs/,
  );
  // The plan the verdict names is the first row.
  const named = /\((TP\d+ PP\d+ DP\d+)\)/.exec(await banner.innerText())![1]!;
  await expect(page.getByTestId('plan-row').first()).toContainText(named.replace(/ DP1$/, ''));
  await shot(page, 'recommendations-overload');
});

test('tie: Llama-3.1-70B on 8×H100 at 5 req/s ranks the cheapest sufficient plan (4 GPUs) first, not TP8', async ({
  page,
}) => {
  await openFresh(page, await linkFor('llama-3.1-70b', 1, 5));
  await runSearch(page);
  await expect(page.getByTestId('load-verdict')).toHaveAttribute('data-kind', 'meets-slo');
  await expect(page.getByTestId('load-verdict')).toContainText(/4 of your 8 GPUs carry 5 req\/s within SLO/);
  const first = await page.getByTestId('plan-row').first().innerText();
  expect(first).not.toMatch(/TP8 DP1/);
  await shot(page, 'recommendations-tie');
});

test("chat preset: the Engine command's --max-model-len covers the trace's p99 prompt, rounded to the block size", async ({
  page,
}) => {
  await openFresh(page);
  await page.getByTestId('preset-chat').click();
  await page.getByRole('tab', { name: 'Engine command' }).click();
  const cmd = await page.getByTestId('export-vllm').innerText();
  const len = Number(/--max-model-len (\d+)/.exec(cmd)?.[1]);
  const block = Number(/--block-size (\d+)/.exec(cmd)?.[1]);
  // The Azure conversation trace: p99 prompt 4,142 + p99 output 601; the old limit was the mean, 1,366.
  expect(len).toBeGreaterThan(4142 + 601);
  expect(len % block).toBe(0);
  await shot(page, 'recommendations-chat-command');
});
