import { expect, test } from '@playwright/test';
import { expectAccessible, fillDate, signIn, visit } from './helpers';

test('the business office keeps an agency’s quality-assurance mechanisms', async ({ page }) => {
  await signIn(page, 'office@demo.example');
  await visit(page, '/agencies');
  const table = page.locator('table', { has: page.locator('caption', { hasText: 'Partner agencies' }) });
  // Prefixes are shown as text beside the colour.
  await expect(table.locator('.agency-prefix').first()).toHaveText(/[A-Z]{2,5}/);
  await table.locator('tbody tr th a').first().click();
  await expect(page).toHaveURL(/\/agencies\/[^/]+$/);
  await expectAccessible(page);

  await page.getByRole('link', { name: 'Edit QA mechanisms' }).click();
  await expect(page).toHaveURL(/\/qa$/);
  await expectAccessible(page);
  const before = await page.locator('fieldset.row-card').count();
  await page.getByRole('button', { name: 'Add a mechanism' }).click();
  const n = before + 1;

  // An empty description is refused and the summary links to it.
  await fillDate(page, `Mechanism ${n} last updated`, -1);
  await page.getByRole('button', { name: 'Save mechanisms' }).click();
  await expect(page.getByRole('alert')).toContainText('There is a problem');
  await expectAccessible(page);

  const text = `Monthly supervision audit ${Date.now() % 100000}`;
  await page.getByLabel(`Mechanism ${n} description`).fill(text);
  await page.getByRole('button', { name: 'Save mechanisms' }).click();
  await expect(page).toHaveURL(/\/agencies\/[^/]+$/);
  const mechanisms = page.locator('table', { has: page.locator('caption', { hasText: 'Quality-assurance mechanisms' }) });
  await expect(mechanisms.getByRole('row', { name: new RegExp(text) })).toBeVisible();

  // Remove it again.
  await page.getByRole('link', { name: 'Edit QA mechanisms' }).click();
  await page.getByRole('button', { name: `Remove mechanism ${n}` }).click();
  await page.getByRole('button', { name: 'Save mechanisms' }).click();
  await expect(page).toHaveURL(/\/agencies\/[^/]+$/);
  await expect(page.getByText(text)).toHaveCount(0);
});

test('the business office creates a user and deactivates them', async ({ page }) => {
  await signIn(page, 'office@demo.example');
  await visit(page, '/users');
  await page.getByRole('link', { name: 'New user' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('New user');
  await expectAccessible(page);

  const suffix = Date.now() % 1_000_000;
  const name = `Test Person ${suffix}`;
  await page.getByLabel('Email address').fill(`test.${suffix}@demo.example`);
  await page.getByLabel('Display name').fill(name);
  await page.getByLabel('Agency', { exact: true }).selectOption({ index: 1 });
  await page.getByLabel('Agency representative').check();
  await page.getByLabel('Initial password').fill('short');
  await page.getByRole('button', { name: 'Create user' }).click();
  await expect(page.getByRole('alert')).toContainText('Initial password');
  await expectAccessible(page);

  await page.getByLabel('Initial password').fill('a-long-enough-password');
  await page.getByRole('button', { name: 'Create user' }).click();
  await expect(page).toHaveURL(/\/users\/[^/]+$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(name);
  await expectAccessible(page);

  await page.getByLabel('Account active (the person can sign in)').uncheck();
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByRole('status')).toContainText('Changes saved');

  await visit(page, '/users');
  await expect(page.getByRole('row', { name: new RegExp(name) })).toContainText('Deactivated');
});

test('a new agency’s colour too close to another’s is warned about, with a colour to use', async ({ page }) => {
  await signIn(page, 'office@demo.example');
  await visit(page, '/agencies/new');
  const colour = page.getByLabel('Colour', { exact: true });
  const warning = page.locator('.colour-warning');
  // Demo agencies already have this blue (and ones near it).
  await colour.fill('#1d70b8');
  await expect(warning).toContainText('hard to tell apart');
  await expect(warning).toContainText(/\([A-Z]{2,5}\)/);
  await expectAccessible(page);

  const use = warning.getByRole('button', { name: /^Use #[0-9a-f]{6}$/ });
  const label = (await use.textContent()) ?? '';
  const suggestion = label.match(/#[0-9a-f]{6}/)?.[0] ?? '';
  expect(suggestion).not.toBe('#1d70b8');
  await use.click();
  await expect(colour).toHaveValue(suggestion);
  await expect(warning).toHaveCount(0);
  await expect(page.locator('form .agency-prefix .swatch')).toHaveAttribute('style', new RegExp(suggestion));

  // On a phone too, the warning is readable and passes axe.
  await colour.fill('#1e72ba');
  await expect(warning).toContainText('hard to tell apart');
  await page.setViewportSize({ width: 390, height: 844 });
  await expectAccessible(page);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
});
