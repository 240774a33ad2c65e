import { scenarioToLink } from '../src/core/share/scenario-link.ts';
import { DEFAULT_SCENARIO } from '../src/state/defaults.ts';
import { expect, shot, test } from './fixtures.ts';

/** The default scenario with the simulator's largest workload (20,000 requests). */
async function bigLink(): Promise<string> {
  const link = await scenarioToLink({
    ...DEFAULT_SCENARIO,
    workload: { ...DEFAULT_SCENARIO.workload, requests: 20_000 },
  });
  return link.includes('#') ? link.slice(link.indexOf('#')) : `#${link}`;
}

// Routing sees the worker's script only when no service worker serves it.
test.use({ serviceWorkers: 'block' });

test('“Simulate this plan” runs in a worker: Cancel stops it, the page stays usable, then the CDFs show', async ({
  page,
  context,
}) => {
  // Hold the worker's script back so the run is reliably still going when we press Cancel.
  let delayMs = 1500;
  let fetched = 0;
  await context.route(/planner\.worker[^/]*\.js/, async (route) => {
    fetched++;
    await new Promise((r) => setTimeout(r, delayMs));
    await route.continue();
  });
  await page.goto(`/${await bigLink()}`);
  await expect(page.getByTestId('plan-kpis')).toBeVisible();
  await page.getByRole('tab', { name: 'Latency' }).click();

  await page.getByTestId('simulate-plan').click();
  const running = page.getByTestId('latency-running');
  await expect(running).toContainText('Simulating 20,000 requests on this plan in a background worker');
  await expect(running.getByRole('progressbar')).toBeVisible();
  await page.getByTestId('cancel-simulation').click();
  await expect(running).toBeHidden();
  await expect(page.getByTestId('simulate-plan')).toBeVisible();
  expect(fetched).toBe(1); // it was a worker (cancelling terminated it: the next run spawns another)

  // Again, and switch tabs while it runs: the main thread is free, the result waits in the store.
  delayMs = 300;
  await page.getByTestId('simulate-plan').click();
  await expect(running).toBeVisible();
  await page.getByRole('tab', { name: 'Memory' }).click();
  await expect(page.getByTestId('memory-chart')).toBeVisible();
  await page.getByRole('tab', { name: 'Latency' }).click();
  await expect(page.getByTestId('latency-cdf')).toBeVisible({ timeout: 45_000 });
  await expect(page.getByTestId('request-timeline')).toContainText('of 20,000 finished requests');
  expect(fetched).toBe(2);
  await shot(page, '07-latency-simulated');
});
