import { expect, test } from '@playwright/test';
import { expectAccessible, signIn, signOut, visit } from './helpers';

const HOT_SPOT = "Re-referrals to children's social care within 12 months";

test('the office opens the performance dataset, sees the hot spot first, opens it and records a value', async ({ page }) => {
  await signIn(page, 'office@demo.example');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Performance' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Performance dataset' })).toBeVisible();
  const table = page.getByRole('table', { name: 'Indicators, hot spots first' });
  const rows = table.locator('tbody tr');
  await expect(rows).toHaveCount(4);
  // The hot spot first, its variation and assurance in words, not colour alone.
  await expect(rows.first()).toContainText(HOT_SPOT);
  await expect(rows.first()).toContainText('Hot spot');
  await expect(rows.first()).toContainText('Special cause concern (higher)');
  await expect(rows.first()).toContainText('Target hit and miss');
  await expect(page.getByText('1 hot spot.')).toBeVisible();
  await expectAccessible(page);

  await rows.first().getByRole('link', { name: HOT_SPOT }).click();
  await expect(page.getByRole('heading', { level: 1, name: HOT_SPOT })).toBeVisible();
  await expect(page.getByRole('img', { name: /XmR chart of Re-referrals/ })).toBeVisible();
  await expect(page.getByText(/Process limits: .+% to .+%/)).toBeVisible();
  const values = page.getByRole('table', { name: 'Values, newest first' });
  await expect(values.locator('tbody tr')).toHaveCount(24);
  await expect(values.locator('tbody tr').first()).toContainText('Special cause concern');
  await expectAccessible(page);

  // A value for the next month, offered by the form.
  const period = page.getByLabel('Period');
  await expect(period).not.toHaveValue('');
  const next = await period.inputValue();
  await page.getByLabel('Value', { exact: true }).fill('not a number');
  await page.getByRole('button', { name: 'Record value' }).click();
  await expect(page.getByRole('alert')).toContainText('Enter the value as a number');
  await page.getByLabel('Value', { exact: true }).fill('21.2');
  await page.getByRole('button', { name: 'Record value' }).click();
  await expect(page.getByRole('status').filter({ hasText: `Recorded the value for ${next}.` })).toBeVisible();
  await expect(values.locator('tbody tr')).toHaveCount(25);
  await expect(values.locator('tbody tr').first()).toContainText('21.2%');
  await expectAccessible(page);

  // On a phone: the dataset and the chart page still pass.
  await page.setViewportSize({ width: 390, height: 844 });
  await expectAccessible(page);
  await visit(page, '/performance');
  await page.setViewportSize({ width: 1280, height: 900 });
  await signOut(page);
});

test('a practitioner reads the dataset but records nothing', async ({ page }) => {
  await signIn(page, 'practitioner@demo.example');
  await visit(page, '/performance');
  await page.getByRole('link', { name: 'Contacts to the children\'s front door' }).click();
  await expect(page.getByRole('heading', { level: 1, name: "Contacts to the children's front door" })).toBeVisible();
  await expect(page.locator('main p strong.tag').filter({ hasText: 'Common cause variation' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Record value' })).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'Edit indicator' })).toHaveCount(0);
  await expectAccessible(page);
  await signOut(page);
});

test('the office adds an indicator, told which field the server refused', async ({ page }) => {
  await signIn(page, 'office@demo.example');
  await visit(page, '/performance');
  await page.getByRole('link', { name: 'New indicator' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'New indicator' })).toBeVisible();
  await expectAccessible(page);
  await page.getByLabel('Name').fill('Children missing education, per 10,000');
  await page.getByLabel('Definition').fill('Children missing education at the month end, per 10,000 children of school age.');
  await page.getByLabel('Which way is better').selectOption('LOWER_IS_BETTER');
  await page.getByLabel('Target').fill('12');
  await page.getByLabel('Baseline from').fill('2025-13');
  await page.getByRole('button', { name: 'Create indicator' }).click();
  await expect(page.getByRole('alert')).toContainText('Baseline from');
  await expect(page.getByRole('alert')).toContainText('is not a month written like 2026-03');
  await expectAccessible(page);
  await page.getByLabel('Baseline from').fill('2025-01');
  await page.getByRole('button', { name: 'Create indicator' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Children missing education, per 10,000' })).toBeVisible();
  await expect(page.getByText('No values yet: the chart appears once values are recorded.')).toBeVisible();
  await expect(page.getByText('Lower is better')).toBeVisible();
  await expectAccessible(page);
  await signOut(page);
});
