import { expect, Locator, Page, test } from '@playwright/test';
import { expectAccessible, expectFitsPhone, openMenu, PHONE_WIDTH, signIn, signOut } from './helpers';

test.use({ viewport: { width: PHONE_WIDTH, height: 844 } });

/** The header is compact with its menu folded, and the menu opens, leads to a page and folds again. */
async function useMenu(page: Page, link: string, heading: string): Promise<void> {
  const header = page.locator('header.header');
  const menu = header.getByRole('button', { name: 'Menu' });
  await expect(menu).toHaveAttribute('aria-expanded', 'false');
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeHidden();
  expect((await header.boundingBox())!.height).toBeLessThanOrEqual(100);

  await menu.click();
  await expect(menu).toHaveAttribute('aria-expanded', 'true');
  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav).toBeVisible();
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
  await expectAccessible(page);
  // Escape folds it again, back on its button.
  await nav.getByRole('link', { name: 'Dashboard' }).focus();
  await page.keyboard.press('Escape');
  await expect(menu).toHaveAttribute('aria-expanded', 'false');
  await expect(menu).toBeFocused();
  await menu.click();
  await nav.getByRole('link', { name: link, exact: true }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(heading);
  await expect(menu).toHaveAttribute('aria-expanded', 'false');
  await expect(nav).toBeHidden();
}

/** Lies wholly within the phone's width. */
async function expectOnScreen(target: Locator): Promise<void> {
  await target.scrollIntoViewIfNeeded();
  const box = (await target.boundingBox())!;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(PHONE_WIDTH);
}

/** Every word of every visible chart is drawn at least 11 px tall. */
async function expectLegibleCharts(page: Page): Promise<void> {
  const heights = await page
    .locator('svg.chart-svg text')
    .evaluateAll((texts) =>
      texts
        .filter((t) => (t as SVGTextElement).getClientRects().length > 0)
        .map((t) => t.getBoundingClientRect().height),
    );
  expect(heights.length).toBeGreaterThan(0);
  expect(Math.min(...heights)).toBeGreaterThanOrEqual(11);
}

test('an agency lead on a phone: a compact header, and what the agency owes as cards with "Add an update" in reach', async ({ page }) => {
  await signIn(page, 'police.lead@demo.example');
  await useMenu(page, 'Actions', 'Actions');
  await expect(page.getByRole('heading', { level: 2, name: 'What your agency owes' })).toBeVisible();
  await expectFitsPhone(page);
  const owed = page.locator('table').filter({ has: page.locator('caption', { hasText: /^\d+ actions?$/ }) });
  const first = owed.locator('tbody tr').first();
  // Each action is a card, its status, RAG rating and button on the screen, each part named.
  await expectOnScreen(first);
  const label = await first.locator('td').nth(2).evaluate((td) => getComputedStyle(td, '::before').content);
  expect(label).toContain('Status');
  await page.screenshot({ path: 'test-results/phone-owes.png', fullPage: false });
  await expectOnScreen(first.getByRole('button', { name: /Add an update/ }));
  await expectOnScreen(first.locator('.tag').filter({ hasText: /^(Red|Amber|Green)$/ }).first());
  await expectAccessible(page);
  await first.getByRole('button', { name: /Add an update/ }).click();
  await expectFitsPhone(page);
  await expectAccessible(page);
  await signOut(page);
});

test('the office on a phone: the master plan, its charts and the audit log fit the screen', async ({ page }) => {
  await signIn(page, 'office@demo.example');
  await useMenu(page, 'Actions', 'Actions');
  await expect(page.getByRole('heading', { level: 2, name: 'Master action plan' })).toBeVisible();
  await expectFitsPhone(page);
  const plan = page.locator('table').filter({ has: page.locator('caption', { hasText: /actions?/ }) }).first();
  await expectOnScreen(plan.locator('tbody tr').first());
  await expectAccessible(page);

  // The charts draw their words full size.
  await page.getByText('The plan in numbers: charts and counts').click();
  await expect(page.getByRole('img', { name: /Actions by owner agency and status/ })).toBeVisible();
  await expect(page.getByRole('img', { name: /Overdue actions at each month end/ })).toBeVisible();
  await expectLegibleCharts(page);
  await page.screenshot({ path: 'test-results/phone-charts.png', fullPage: false });
  await expectFitsPhone(page);
  await expectAccessible(page);

  await useMenu(page, 'Audit log', 'Audit log');
  await expectFitsPhone(page);
  await expectAccessible(page);
  await useMenu(page, 'Users', 'Users');
  await expectFitsPhone(page);
  await expectAccessible(page);
  await signOut(page);
});

test('the chair on a phone: reviews and agencies as cards', async ({ page }) => {
  await signIn(page, 'chair@demo.example');
  await useMenu(page, 'Reviews', 'Reviews');
  await expectFitsPhone(page);
  await expectAccessible(page);
  // A review, its milestones and members as cards.
  await page.locator('main table tbody tr').first().getByRole('link').first().click();
  await expect(page.getByRole('heading', { level: 2, name: 'Details' })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Statutory milestones' })).toBeVisible();
  await expectFitsPhone(page);
  await expectAccessible(page);
  await useMenu(page, 'Agencies', 'Agencies');
  await expectFitsPhone(page);
  await expectAccessible(page);
  await useMenu(page, 'Actions', 'Actions');
  await expectFitsPhone(page);
  await expectAccessible(page);
  // One action, with its updates.
  await page.locator('main table tbody tr').first().getByRole('link').first().click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('/A');
  await expectFitsPhone(page);
  await expectAccessible(page);
});
