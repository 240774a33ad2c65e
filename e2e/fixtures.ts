/**
 * Shared e2e fixtures: every test fails on a console error or page error, and `shot()` saves a
 * screenshot under test-results/screens/ (test output, not committed) for human review.
 */
import { test as base, expect, type Page } from '@playwright/test';

export const test = base.extend<{ consoleErrors: string[] }>({
  consoleErrors: [
    async ({ page }, use) => {
      const errors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(String(e)));
      await use(errors);
      expect(errors, 'console errors').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `test-results/screens/${name}.png`, fullPage: true });
}

/** Start from a clean app: no saved session, no hash. */
export async function openFresh(page: Page, hash = ''): Promise<void> {
  await page.goto(`/${hash}`);
  await expect(page.getByTestId('plan-kpis')).toBeVisible();
}

export async function runSearch(page: Page): Promise<void> {
  await page.getByTestId('run-search').first().click();
  await expect(page.getByTestId('plan-row').first()).toBeVisible({ timeout: 45_000 });
  await expect(page.getByTestId('search-progress')).toContainText(/Done|done/, { timeout: 45_000 });
}

/**
 * The `#…` fragment that opens `input` (a scenario as JSON, validated as a shared link's would be);
 * throws with the validation errors when it is not a valid scenario.
 */
export async function hashLinkOf(input: unknown): Promise<string> {
  const { parseScenario } = await import('../src/core/scenario/validate.ts');
  const { scenarioToLink } = await import('../src/core/share/scenario-link.ts');
  const p = parseScenario(input);
  if (!p.ok) throw new Error(p.errors.join('; '));
  return `#${await scenarioToLink(p.scenario)}`;
}

/** The scenario the page shows, decoded from its URL with the same codec the CLI uses. */
export async function scenarioOf(page: Page) {
  const { scenarioFromLink } = await import('../src/core/share/scenario-link.ts');
  await expect.poll(() => new URL(page.url()).hash, { timeout: 5000 }).toMatch(/^#s\d+\./);
  const decoded = await scenarioFromLink(page.url());
  if (!decoded.ok) throw new Error(decoded.error);
  return decoded.value;
}

/**
 * The page's URL once the store → URL mirror has settled (state/url-sync.ts writes it after a debounce, so a
 * read straight after an edit can be the previous state): unchanged over 400 ms and, when `changedFrom` is
 * given, different from it.
 */
export async function settledUrl(page: Page, changedFrom?: string): Promise<string> {
  let url = '';
  await expect
    .poll(async () => {
      url = page.url();
      await page.waitForTimeout(400);
      return url !== changedFrom && page.url() === url;
    })
    .toBe(true);
  return url;
}
