import { expect, test } from '@playwright/test';
import { expectAccessible, graphql, signIn, signOut, visit } from './helpers';

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

  // The hot spot becomes a theme of next year's case audit programme in one step.
  const propose = page.getByRole('region', { name: 'Audit what lies behind it' });
  const nextYear = String(new Date().getFullYear() + 1);
  const THEME = `${HOT_SPOT} (performance hot spot)`;
  await propose.getByRole('combobox', { name: 'Year' }).selectOption(nextYear);
  await propose.getByRole('button', { name: 'Propose a case audit theme' }).click();
  await expect(propose.getByRole('status')).toContainText(`Proposed the theme “${THEME}” for ${nextYear}.`);
  await expectAccessible(page);
  await propose.getByRole('link', { name: `Open the ${nextYear} audit programme` }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Multi-agency case audits');
  await expect(page.getByRole('combobox', { name: 'Year' })).toHaveValue(nextYear);
  const theme = page.getByRole('region', { name: THEME });
  await expect(theme).toContainText('What does practice behind');
  await expect(theme.getByRole('link', { name: HOT_SPOT })).toBeVisible();
  await expectAccessible(page);
  await theme.getByRole('link', { name: HOT_SPOT }).click();
  await expect(page.getByRole('heading', { level: 1, name: HOT_SPOT })).toBeVisible();
  await expect(values.locator('tbody tr')).toHaveCount(24);

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
  await expect(page.getByRole('heading', { name: 'Import values' })).toHaveCount(0);
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

test('the office imports values from a spreadsheet, told every row to correct before anything is recorded', async ({ page }) => {
  await signIn(page, 'office@demo.example');
  const name = `Imported indicator ${Date.now()}`;
  const created = await graphql(
    page.request,
    'mutation($input: IndicatorInput!) { createIndicator(input: $input) { id } }',
    { input: { name, definition: 'Values imported from a spreadsheet.', direction: 'NO_DIRECTION', period: 'MONTH' } },
  );
  expect(created.errors, JSON.stringify(created.errors)).toBeUndefined();
  await visit(page, '/performance');
  await expect(page.getByRole('heading', { name: 'Import values' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Download the template (CSV)' })).toHaveAttribute('download', 'performance-values-template.csv');
  const file = page.getByLabel('CSV or Excel (XLSX) file');

  // A file with problems: every one listed by row and column, nothing recorded.
  const bad = [
    'Indicator,Period,Value',
    `${name},2026-01,12`,
    'No such indicator,2026-02,3',
    `${name},2026-Q1,4`,
    `${name},2026-03,lots`,
  ].join('\n');
  await file.setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
  await page.getByRole('button', { name: 'Import values' }).click();
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('Row 3, Indicator: "No such indicator" is not an indicator');
  await expect(alert).toContainText("Row 4, Period: '2026-Q1' is not a month written like 2026-03");
  await expect(alert).toContainText('Row 5, Value: "lots" is not a number');
  await expect(page.getByText('The file has problems: see the list above. Nothing was recorded.')).toBeVisible();
  await expectAccessible(page);
  await alert.getByRole('link', { name: /Row 3, Indicator/ }).click();
  await expect(file).toBeFocused();

  // The corrected file: recorded, and counted.
  const good = ['Indicator,Period,Value', `${name},2026-01,12`, `${name},2026-02,15.5`].join('\r\n');
  await file.setInputFiles({ name: 'good.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
  await page.getByRole('button', { name: 'Import values' }).click();
  await expect(
    page.getByRole('status').filter({ hasText: 'Imported the file: 2 values added and 0 replaced, for 1 indicator.' }),
  ).toBeVisible();
  await expect(page.getByRole('alert')).toHaveCount(0);
  const row = page.getByRole('table', { name: 'Indicators, hot spots first' }).locator('tbody tr', { hasText: name });
  await expect(row).toContainText('15.5 (February 2026)');
  await expectAccessible(page);

  // The indicator's chart and table show the imported values.
  await row.getByRole('link', { name }).click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  const values = page.getByRole('table', { name: 'Values, newest first' });
  await expect(values.locator('tbody tr')).toHaveCount(2);
  await expect(values.locator('tbody tr').first()).toContainText('15.5');
  // Who supplied it, and when.
  await expect(values.locator('tbody tr').first()).toContainText(/Olivia Office, \d{1,2} \w+ \d{4}, \d\d:\d\d:\d\d UTC/);
  await expect(page.getByRole('img', { name: new RegExp(`XmR chart of ${name}`) })).toBeVisible();
  await expectAccessible(page);
  await signOut(page);
});
