import { expect, runSearch, test } from './fixtures.ts';

test('after the first visit the app and its search work offline (service worker)', async ({ page, context }) => {
  await page.goto('/');
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await page.reload();
  await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);
  await context.setOffline(true);
  await page.reload();
  await expect(page.getByTestId('plan-kpis')).toBeVisible();
  await runSearch(page);
  await context.setOffline(false);
});

test.describe('control: without a service worker', () => {
  test.use({ serviceWorkers: 'block' });
  test('an offline reload fails', async ({ page, context }) => {
    await page.goto('/');
    await expect(page.getByTestId('plan-kpis')).toBeVisible();
    await context.setOffline(true);
    await expect(page.reload()).rejects.toThrow(/ERR_INTERNET_DISCONNECTED/);
    await context.setOffline(false);
  });
});
