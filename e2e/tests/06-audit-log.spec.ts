import { expect, test } from '@playwright/test';
import { expectAccessible, isoDate, signIn, visit } from './helpers';

test('the business office reads, filters and verifies the audit log', async ({ page }) => {
  await signIn(page, 'office@demo.example');
  // Something to find: opening a review is audited.
  await visit(page, '/reviews');
  await page.getByRole('link', { name: 'SCR-2016-03' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('SCR-2016-03');

  await visit(page, '/audit-log');
  const table = page.locator('table', { has: page.locator('caption', { hasText: 'Audit log entries' }) });
  await expect(table).toBeVisible();
  expect(await table.locator('tbody tr').count()).toBeGreaterThan(0);

  await page.getByRole('button', { name: 'Verify chain' }).click();
  await expect(page.getByText(/The chain is intact: \d+ entries checked/)).toBeVisible();
  await expectAccessible(page);

  // Filter by person and today's date.
  const person = page.getByLabel('Person');
  const office = await person.locator('option', { hasText: /office|business/i }).first().textContent();
  await person.selectOption({ label: office!.trim() });
  await page.getByLabel('From', { exact: true }).fill(isoDate(-1));
  await page.getByLabel('To', { exact: true }).fill(isoDate(1));
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await expect(page.getByText('Loading…')).toHaveCount(0);
  const people = await table.locator('tbody tr td:nth-child(2)').allTextContents();
  expect(people.length).toBeGreaterThan(0);
  for (const p of people) expect(p.trim()).toBe(office!.trim());
  await expectAccessible(page);

  // A filter that matches nothing says so.
  await page.getByLabel('Object type').fill('no-such-object-type');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await expect(page.getByRole('heading', { name: 'No entries' })).toBeVisible();

  await page.getByRole('button', { name: 'Clear filters' }).click();
  await expect(table).toBeVisible();
});
