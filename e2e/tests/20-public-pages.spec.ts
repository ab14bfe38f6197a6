import { Browser, expect, Page, test } from '@playwright/test';
import { BASE_URL, expectAccessible } from './helpers';

// The public pages without JavaScript: the server writes the published list, each
// published learning summary, the learning library's search for signed-out visitors and a
// "page not found" page (HTTP 404), each naming the partnership; the published ones carry a
// key to the agencies' prefixes. Each is checked with axe at 1280 and 390 px.

test.use({ javaScriptEnabled: false });

const PARTNERSHIP = 'Safeguarding Children Partnership';

/** axe at a desktop and a phone width, with no sideways scrolling on the phone. axe runs
 * as a script in the page, which switching JavaScript off forbids; so it checks the same
 * address in a second browser context with scripts on, after making sure the page has no
 * script and both contexts were given the very same document. */
async function accessibleAtBothWidths(page: Page, browser: Browser): Promise<void> {
  await expect(page.locator('script')).toHaveCount(0);
  const withoutScripts = await page.locator('html').innerHTML();
  const context = await browser.newContext({ baseURL: BASE_URL, javaScriptEnabled: true });
  try {
    const checker = await context.newPage();
    await checker.goto(page.url());
    expect(await checker.locator('html').innerHTML()).toBe(withoutScripts);
    for (const width of [1280, 390]) {
      await checker.setViewportSize({ width, height: 900 });
      await expectAccessible(checker);
      const overflow = await checker.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, `no sideways scrolling at ${width} px`).toBeLessThanOrEqual(0);
    }
  } finally {
    await context.close();
  }
}

/** The header names the partnership, the skip link leads to main. */
async function expectShell(page: Page): Promise<void> {
  await expect(page.getByRole('banner').getByRole('link', { name: PARTNERSHIP, exact: true })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Skip to main content' })).toHaveAttribute('href', '#main');
  await expect(page.getByRole('contentinfo')).toContainText(PARTNERSHIP);
  await expect(page.locator('html')).toHaveAttribute('lang', 'en-GB');
}

/** The key to the agencies' prefixes. */
async function expectPrefixKey(page: Page): Promise<void> {
  const key = page.getByRole('region', { name: 'Agency prefixes' });
  await expect(key).toBeVisible();
  await expect(key.locator('dt', { hasText: /^NHFT$/ })).toBeVisible();
  await expect(key.locator('dt:has-text("NHFT") + dd')).toHaveText('Northamptonshire Healthcare Foundation Trust');
  await expect(key.locator('dt:has-text("POL") + dd')).not.toBeEmpty();
}

test('the published list and a summary are complete without JavaScript', async ({ page, browser }) => {
  const list = await page.goto('/published');
  expect(list?.status()).toBe(200);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Published learning summaries');
  await expect(page.getByText('needs JavaScript')).toHaveCount(0);
  await expectShell(page);
  await expectPrefixKey(page);
  await expect(page.getByRole('navigation', { name: 'Public pages' }).getByRole('link', { name: 'Published learning summaries' })).toHaveAttribute(
    'aria-current',
    'page',
  );
  await expect(page.getByText(/available here until \d{1,2} \w+ \d{4}/).first()).toBeVisible();
  await accessibleAtBothWidths(page, browser);

  await page.getByRole('link', { name: /^SCR-2015-07: Child D/ }).click();
  await expect(page).toHaveURL(/\/published\/[0-9a-f-]{36}$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Learning summary: Child D (SCR-2015-07)');
  await expect(page).toHaveTitle(`Learning summary SCR-2015-07 - ${PARTNERSHIP}`);
  await expect(page.getByRole('heading', { level: 2, name: /What was learnt about the case/ })).toBeVisible();
  await expect(page.locator('main')).toContainText('the school nurse kept careful records');
  await expect(page.locator('main strong', { hasText: 'Key themes:' })).toBeVisible();
  await expectShell(page);
  await expectPrefixKey(page);
  await accessibleAtBothWidths(page, browser);

  // Back to the list by its link, still without JavaScript.
  await page.getByRole('main').getByRole('link', { name: 'Every published learning summary' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Published learning summaries');
});

test('a signed-out visitor searches the learning library without JavaScript', async ({ page, browser }) => {
  const response = await page.goto('/library');
  expect(response?.status()).toBe(200);
  await expect(page).toHaveURL(/\/library$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Learning library');
  await expectShell(page);
  await accessibleAtBothWidths(page, browser);

  await page.getByLabel('Words').fill('school nurse');
  await page.getByLabel('Theme').selectOption('Neglect');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page).toHaveURL(/\/library\?words=school\+nurse&theme=Neglect$/);
  await expect(page.getByRole('heading', { level: 2, name: '1 result' })).toBeVisible();
  await expect(page.getByLabel('Words')).toHaveValue('school nurse');
  await expect(page.getByLabel('Theme')).toHaveValue('Neglect');
  const hit = page.locator('.published-list li').first();
  await expect(hit).toContainText('SCR-2015-07');
  await expect(hit).toContainText('Learning summary');
  await accessibleAtBothWidths(page, browser);

  // Only what is public: no learning points for a signed-out visitor.
  await page.getByLabel('Words').fill('zzzz-nothing-like-this');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page.getByRole('heading', { level: 2, name: '0 results' })).toBeVisible();
  await expect(page.locator('main')).not.toContainText('Learning point');

  // Too many words: an error summary linking to the field.
  await page.goto(`/library?words=${'a'.repeat(501)}`);
  await expect(page.getByRole('alert')).toContainText('There is a problem');
  await expect(page).toHaveTitle(/^Error: Learning library/);
  await accessibleAtBothWidths(page, browser);
});

test('an unknown address answers 404 with a page of its own, and the app keeps its pages', async ({ page, browser }) => {
  for (const path of ['/published/no-such-summary', '/no-such-page']) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(404);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Page not found');
    await expect(page).toHaveTitle(`Page not found - ${PARTNERSHIP}`);
    await expectShell(page);
    await accessibleAtBothWidths(page, browser);
  }
  await page.getByRole('main').getByRole('link', { name: "read the partnership's published learning summaries" }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Published learning summaries');

  // The browser app's own pages still answer with the app (which needs JavaScript).
  for (const path of ['/sign-in', '/reviews/some-id', '/actions']) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(200);
    expect(await response?.text(), path).toContain('<noscript>This service needs JavaScript to be switched on in your browser.</noscript>');
    await expect(page).toHaveTitle('Learning and improvement platform');
  }
});
