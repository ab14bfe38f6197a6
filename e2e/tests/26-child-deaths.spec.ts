import { expect, Page, test } from '@playwright/test';
import { expectAccessible, expectAccessibleOnPhone, fillDate, isoDate, signIn, signOut, visit } from './helpers';

// Reporting years run from 1 April: the year today falls in, and the one before.
const today = new Date();
const THIS_YEAR = today.getMonth() < 3 ? today.getFullYear() - 1 : today.getFullYear();
const LAST_YEAR = THIS_YEAR - 1;
const label = (y: number) => `April ${y} to March ${y + 1}`;

async function bothWidths(page: Page) {
  await expectAccessible(page);
  await expectAccessibleOnPhone(page);
}

function row(page: Page, table: string, name: string | RegExp) {
  return page.getByRole('table', { name: table }).getByRole('row', { name });
}

test('the office records a reviewed death without a name, reads the year\'s counts with small numbers marked, and the chair reads them', async ({
  page,
}) => {
  const CASE = `CDR-${THIS_YEAR}-901`;
  await signIn(page, 'office@demo.example');
  await visit(page, '/child-deaths');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Child death review learning');
  await expect(page.getByLabel('Reporting year')).toHaveValue(String(THIS_YEAR));
  const records = page.getByRole('table', { name: 'Reviewed deaths, latest panel first' });
  await expect(records.getByRole('row')).toHaveCount(3); // the header and this year's two demo records
  await bothWidths(page);

  // A learning text that names the child's mother is refused on its own field, and nothing
  // is recorded.
  const form = page.locator('form').filter({ has: page.locator('#cdr-caseNumber') });
  await expect(page.locator('#cdr-form-heading')).toHaveText('Record a reviewed death');
  await form.getByLabel('Case number').fill(CASE);
  await form.getByLabel('Age', { exact: true }).selectOption({ label: '1 to 4 years' });
  await form.getByLabel('Category of death').selectOption({ label: 'Trauma and other external factors, including medical or surgical complications or error' });
  await form.getByRole('radio', { name: 'Modifiable factors identified', exact: true }).check();
  await form.getByLabel('Which modifiable factors').fill('Window restrictors were not fitted in temporary accommodation.');
  await form.getByLabel('Learning', { exact: true }).fill('Kayleigh Brennan was not told about window safety when the family moved.');
  await fillDate(form, 'Date of the panel', isoDate(0));
  await form.getByRole('button', { name: 'Record the death' }).click();
  const refused = page.getByRole('alert').filter({ has: page.getByRole('link', { name: /Kayleigh Brennan/ }) });
  await expect(refused).toContainText('Kayleigh Brennan');
  await expect(refused.getByRole('link', { name: /Learning/ })).toHaveAttribute('href', '#cdr-learning');
  await expect(records.getByRole('row')).toHaveCount(3);
  await expectAccessible(page);

  await form.getByLabel('Learning', { exact: true }).fill(
    'Families placed in temporary accommodation were not told about window safety; housing now checks restrictors before a family moves in.',
  );
  await form.getByRole('button', { name: 'Record the death' }).click();
  await expect(page.getByRole('status').filter({ hasText: `Recorded ${CASE}.` })).toBeVisible();
  await expect(records.getByRole('row', { name: new RegExp(CASE) })).toContainText('Window restrictors were not fitted');
  // Three deaths this year: too few to publish, and so is every count of them.
  await expect(row(page, `Deaths reviewed by category, ${label(THIS_YEAR)}`, /All deaths reviewed/)).toContainText(
    '3 (suppressed when published)',
  );

  // Last year's counts: categories of five or more are shown, smaller ones marked.
  await page.getByLabel('Reporting year').selectOption(String(LAST_YEAR));
  const byCategory = `Deaths reviewed by category, ${label(LAST_YEAR)}`;
  await expect(row(page, byCategory, /All deaths reviewed/)).toContainText('16');
  await expect(row(page, byCategory, /Perinatal or neonatal event/).getByRole('cell').first()).toHaveText('5');
  await expect(row(page, byCategory, /Sudden unexpected, unexplained death/)).toContainText('(suppressed when published)');
  await expect(page.getByRole('table', { name: 'Reviewed deaths, latest panel first' }).getByRole('row')).toHaveCount(17);
  await bothWidths(page);

  // Back to this year: the record is changed, then deleted as made in error.
  await page.getByLabel('Reporting year').selectOption(String(THIS_YEAR));
  await records.getByRole('button', { name: `Change ${CASE}` }).click();
  await expect(page.locator('#cdr-form-heading')).toHaveText(`Change the record of ${CASE}`);
  await expect(page.locator('#cdr-form-heading')).toBeFocused();
  await form.getByLabel('Age', { exact: true }).selectOption({ label: '5 to 9 years' });
  await form.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByRole('status').filter({ hasText: `Saved the record of ${CASE}.` })).toBeVisible();
  await expect(records.getByRole('row', { name: new RegExp(CASE) })).toContainText('5 to 9 years');
  await signOut(page);

  // The chair reads the year, and has no form.
  await signIn(page, 'chair@demo.example');
  await visit(page, '/child-deaths');
  await expect(records.getByRole('row', { name: new RegExp(CASE) })).toBeVisible();
  await expect(page.locator('#cdr-form-heading')).toHaveCount(0);
  await expect(records.getByRole('button')).toHaveCount(0);
  await signOut(page);

  await signIn(page, 'office@demo.example');
  await visit(page, '/child-deaths');
  await records.getByRole('button', { name: `Delete ${CASE}` }).click();
  await page.getByRole('button', { name: 'Yes, delete it' }).click();
  await expect(page.getByRole('status').filter({ hasText: `Deleted the record of ${CASE}.` })).toBeVisible();
  await expect(records.getByRole('row')).toHaveCount(3);
});

test('an agency representative cannot open child death records', async ({ page }) => {
  await signIn(page, 'police.rep@demo.example');
  await expect(page.getByRole('link', { name: 'Child deaths' })).toHaveCount(0);
  await visit(page, '/child-deaths');
  await expect(page.getByRole('alert')).toContainText('You cannot see this page');
  await expect(page.getByRole('table', { name: 'Reviewed deaths, latest panel first' })).toHaveCount(0);
});
