import { expect, openFresh, test } from './fixtures.ts';

test('saved scenarios and the last session survive a reload', async ({ page }) => {
  await openFresh(page);
  await page.getByTestId('model-search').fill('mixtral');
  await page.getByTestId('model-mixtral-8x7b').click();
  await page.getByTestId('open-saved').click();
  await page.getByTestId('saved-name').fill('mixtral on dgx');
  await page.getByTestId('save-scenario').click();
  await expect(page.getByTestId('saved-item')).toContainText('mixtral on dgx');
  await page.goto('/'); // no hash: the last session is restored from storage
  await expect(page.locator('header')).toContainText('Mixtral');
  await page.getByTestId('open-saved').click();
  await expect(page.getByTestId('saved-item')).toContainText('mixtral on dgx');
});

test('a corrupt saved library is reported, not silently dropped', async ({ page }) => {
  await page.goto('/');
  await page.evaluate(() => localStorage.setItem('parakv.saved.v1', '{not json'));
  await page.reload();
  await expect(page.getByTestId('plan-kpis')).toBeVisible();
  await expect(page.getByText(/saved|library/i).first()).toBeVisible();
  const kept = await page.evaluate(() =>
    Object.keys(localStorage)
      .filter((k) => k.startsWith('parakv.saved.corrupt'))
      .map((k) => localStorage.getItem(k)),
  );
  expect(kept.length).toBeGreaterThan(0);
  // The unreadable text itself is what was set aside, so nothing is lost.
  expect(kept.map((v) => (JSON.parse(v!) as { raw: string }).raw)).toContain('{not json');
});
