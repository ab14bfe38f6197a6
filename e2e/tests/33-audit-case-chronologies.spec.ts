import { expect, test } from '@playwright/test';
import { expectAccessible, expectAccessibleOnPhone, reviewId, signIn, signOut, visit } from './helpers';

// A multi-agency case audit's chronology: every entry names the case of the sample it is
// about, and each case has its own integrated chronology (different cases are different
// children, so their entries are never merged together).

test('an agency enters each event against its case, and a reviewer reads each case on its own', async ({ page, request }) => {
  const id = await reviewId(request, 'MACA-2');
  const year = new Date().getFullYear();

  // The police representative's return for this year's audit is still open.
  await signIn(page, 'police.rep@demo.example');
  await visit(page, `/reviews/${id}/chronology`);
  const add = page.getByRole('form', { name: 'Add an entry' });
  const caseField = add.getByRole('combobox', { name: 'Case' });
  await expect(caseField).toBeVisible();
  // Saved without a case: refused, and said where.
  await add.getByLabel('Date', { exact: true }).fill(`14/03/${year}`);
  await add.getByLabel('Time', { exact: true }).fill('10:15');
  await add.getByLabel('Source', { exact: true }).fill('POL-AUD-9');
  await add.getByLabel('What happened').fill("Strategy discussion with children's social care about bruising to the child's arm");
  await add.getByLabel('Shared with').fill('CSC');
  await add.getByRole('button', { name: 'Save entry' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'There is a problem' })).toContainText('Case');
  await expect(page.locator('#new-caseId-error')).toBeVisible();
  await expectAccessible(page);
  await caseField.selectOption({ label: 'Case 1: Child E, aged 3' });
  await add.getByRole('button', { name: 'Save entry' }).click();
  const own = page.locator('table').filter({ has: page.locator('caption', { hasText: /entr/ }) }).first();
  await expect(own.getByRole('row', { name: /POL-AUD-9/ })).toContainText('Case 1: Child E, aged 3');
  // The next entry is often about the same case: the form keeps it.
  await expect(add.getByLabel('Date', { exact: true })).toHaveValue('');
  await expect(caseField.locator('option:checked')).toHaveText('Case 1: Child E, aged 3');
  await expectAccessible(page);
  await expectAccessibleOnPhone(page);
  await page.getByRole('button', { name: 'Submit return' }).click();
  await page.getByRole('button', { name: 'Yes, submit the return' }).click();
  await expect(page.getByText(/^Return submitted\./)).toBeVisible();
  await signOut(page);

  // The lead reviewer opens the audit's chronology on its first case.
  await signIn(page, 'reviewer@demo.example');
  await visit(page, `/reviews/${id}/chronology`);
  const choice = page.getByRole('combobox', { name: 'Case', exact: true });
  await expect(choice).toHaveValue(/.+/);
  await expect(choice.locator('option:checked')).toHaveText('Case 1: Child E, aged 3');
  await expect(page.locator('#integrated-count')).toHaveText('Showing 3 of 3 entries.');
  // Only the rows near the screen are drawn.
  const table = page.locator('#integrated-rows');
  await table.scrollIntoViewIfNeeded();
  await expect(table).toContainText("Strategy discussion with children's social care about bruising");
  await expect(table).toContainText('Strategy discussion with the police about bruising');
  await expect(table).not.toContainText('Initial child protection conference');
  // Both agencies' records of the strategy discussion are one probable event.
  await expect(table.locator('tr.group-row').first()).toContainText('Probable duplicate group 1');
  await expectAccessible(page);
  await expectAccessibleOnPhone(page);

  // Case 3 is another child: its own entries only, nothing paired across cases.
  await choice.selectOption({ label: 'Case 3: Child G, aged 4' });
  await expect(page.locator('#integrated-count')).toHaveText('Showing 1 of 1 entries.');
  await table.scrollIntoViewIfNeeded();
  await expect(table).toContainText('Initial child protection conference');
  await expect(table).not.toContainText('bruising');
  await expect(table.locator('tr.group-row')).toHaveCount(0);
  await expectAccessible(page);

  // The audit's sample links to each case's chronology.
  await visit(page, `/reviews/${id}/audit`);
  await page.getByRole('link', { name: 'Chronology of this case (Case 2: Child F, aged 2)' }).click();
  await expect(page.getByRole('combobox', { name: 'Case', exact: true }).locator('option:checked')).toHaveText('Case 2: Child F, aged 2');
  await expect(page.locator('#integrated-count')).toHaveText('Showing 1 of 1 entries.');
  await page.locator('#integrated-rows').scrollIntoViewIfNeeded();
  await expect(page.locator('#integrated-rows')).toContainText('Assessment started after the school raised');
  await expect(page.locator('#integrated-rows')).not.toContainText('bruising');
});
