import { expect, Page, test } from '@playwright/test';
import { expectAccessible, expectAccessibleOnPhone, reviewId, signIn, signOut } from './helpers';

async function bothWidths(page: Page) {
  await expectAccessible(page);
  await expectAccessibleOnPhone(page);
}

test('the office keeps a distribution list and sends the published learning summary to it, each address once', async ({
  page,
  request,
}) => {
  const stamp = Date.now();
  const LIST = `Schools' designated safeguarding leads ${stamp}`;
  const review = await reviewId(request, 'SCR-2015-07');

  await signIn(page, 'office@demo.example');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Distribution lists' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Distribution lists');

  // A line that is not an address is named by its number.
  await page.getByRole('textbox', { name: 'Name' }).fill(LIST);
  await page
    .getByLabel('Recipients')
    .fill(`Ann Head <ann.${stamp}@primary.example>\nnot an address\nbob.${stamp}@secondary.example, Bob Lead`);
  await page.getByRole('button', { name: 'Make the list' }).click();
  await expect(page.getByRole('alert')).toContainText('line 2');
  await bothWidths(page);
  await page
    .getByLabel('Recipients')
    .fill(`Ann Head <ann.${stamp}@primary.example>\n\nbob.${stamp}@secondary.example, Bob Lead`);
  await page.getByRole('button', { name: 'Make the list' }).click();
  await expect(page.getByRole('status').filter({ hasText: `Made the list “${LIST}”.` })).toBeVisible();
  const card = page.getByRole('region', { name: LIST });
  await expect(card).toContainText('2 recipients');

  // Changing it: one more recipient.
  await card.getByRole('button', { name: 'Change' }).click();
  await expect(page.getByRole('heading', { name: `Change the list “${LIST}”` })).toBeFocused();
  await expect(page.getByLabel('Recipients')).toHaveValue(
    `Ann Head <ann.${stamp}@primary.example>\nBob Lead <bob.${stamp}@secondary.example>`,
  );
  await page
    .getByLabel('Recipients')
    .fill(`Ann Head <ann.${stamp}@primary.example>\nBob Lead <bob.${stamp}@secondary.example>\ncara.${stamp}@academy.example`);
  await page.getByRole('button', { name: 'Save the list' }).click();
  await expect(page.getByRole('status').filter({ hasText: `Saved the list “${LIST}”.` })).toBeVisible();
  await expect(page.getByRole('region', { name: LIST })).toContainText('3 recipients');
  await bothWidths(page);

  // The demo's published summary goes to the list; sending again reaches nobody twice.
  await page.goto(`/reviews/${review}/summary`);
  const send = page.getByRole('region', { name: 'Send to a distribution list' });
  await expect(send).toBeVisible();
  await send.getByRole('button', { name: 'Send the summary' }).click();
  await expect(page.getByRole('alert')).toContainText('choose a list');
  await send.getByRole('combobox', { name: 'List' }).selectOption({ label: `${LIST} (3 recipients)` });
  await send.getByRole('button', { name: 'Send the summary' }).click();
  await expect(send.getByRole('status')).toContainText('Sent to 3 recipients; 0 had it already.');
  const table = send.getByRole('table', { name: 'Who it was sent to' });
  await expect(table.getByRole('rowheader', { name: `Ann Head (ann.${stamp}@primary.example)` })).toBeVisible();
  // The demo sent it to the schools' leads the day after it was published.
  await expect(table.getByRole('row', { name: /Priya Shah \(dsl@riverside-primary\.example\)/ })).not.toContainText('Not yet');
  await expect(table.getByRole('row')).toHaveCount(8);
  // Without email configured they wait for it.
  await expect(send).toContainText('3 not emailed yet');
  await send.getByRole('combobox', { name: 'List' }).selectOption({ label: `${LIST} (3 recipients)` });
  await send.getByRole('button', { name: 'Send the summary' }).click();
  await expect(send.getByRole('status')).toContainText('Sent to 0 recipients; 3 had it already.');
  await bothWidths(page);

  // Nobody but the office sees the sending.
  await signOut(page);
  await signIn(page, 'chair@demo.example');
  await page.goto(`/reviews/${review}/summary`);
  await expect(page.getByRole('heading', { name: 'Where it stands' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Send to a distribution list' })).toHaveCount(0);
});
