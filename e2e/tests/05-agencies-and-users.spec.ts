import { expect, test } from '@playwright/test';
import { expectAccessible, isoDate, signIn, visit } from './helpers';

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
  await page.getByLabel(`Mechanism ${n} last updated`).fill(isoDate(-1));
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
