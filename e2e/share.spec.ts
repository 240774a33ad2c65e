import { expect, openFresh, scenarioOf, shot, test } from './fixtures.ts';

test('copy link → open in a new context → identical numbers', async ({ page, browser }) => {
  await openFresh(page);
  await page.getByTestId('model-search').fill('qwen3');
  await page.getByTestId('model-qwen3-32b').click();
  await page.getByTestId('copy-link').click();
  await expect.poll(async () => (await scenarioOf(page)).model).toBe('qwen3-32b');
  const url = page.url();
  const kpis = await page.getByTestId('plan-kpis').innerText();
  const title = await page.getByTestId('plan-title').innerText();

  const other = await browser.newContext();
  const p2 = await other.newPage();
  await p2.goto(url);
  await expect(p2.getByTestId('plan-kpis')).toBeVisible();
  await expect(p2.getByTestId('plan-title')).toHaveText(title);
  await expect.poll(() => p2.getByTestId('plan-kpis').innerText()).toBe(kpis);
  expect((await scenarioOf(p2)).model).toBe('qwen3-32b');
  await other.close();
});

for (const [name, hash] of [
  ['garbage', '#s1.%%%not-a-link'],
  ['truncated', '#s1.q1ZKLkksSY1PzC0uSS3SMlSyUkpOzSuyMlTSUcrJT0zRzSxSslJKVKrVUUouys8pKUpUslIqSi1OzSspVrIyjAVqS8'],
  ['from the future', '#s9.AAAA'],
] as const) {
  test(`a ${name} link shows the banner and the app keeps working`, async ({ page }) => {
    await page.goto(`/${hash}`);
    await expect(page.getByTestId('link-banner')).toBeVisible();
    await expect(page.getByTestId('plan-kpis')).toBeVisible();
    await expect(page.getByTestId('run-search').first()).toBeEnabled();
    if (name === 'garbage') await shot(page, '07-bad-link-banner');
  });
}

test('browser back/forward move between edited states', async ({ page }) => {
  await openFresh(page);
  const first = await page.getByTestId('plan-title').innerText();
  await page.waitForTimeout(1700); // edits within 1.5 s of the last URL write coalesce into one entry
  await page.getByTestId('model-search').fill('8B');
  await page.getByTestId('model-llama-3.1-8b').click();
  await expect(page.locator('header')).toContainText('Llama 3.1 8B');
  await page.waitForTimeout(1200); // URL history entries are coalesced
  await page.goBack();
  await expect(page.locator('header')).not.toContainText('Llama 3.1 8B');
  await expect(page.getByTestId('plan-title')).toHaveText(first);
  await page.goForward();
  await expect(page.locator('header')).toContainText('Llama 3.1 8B');
});

test('the page runs under a strict Content-Security-Policy (no inline scripts, no eval)', async ({ page }) => {
  await page.goto('/');
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  expect(csp).toMatch(/script-src 'self'(;|$)/);
  expect(csp).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline/);
  expect(await page.locator('script:not([src])').count()).toBe(0);
});
