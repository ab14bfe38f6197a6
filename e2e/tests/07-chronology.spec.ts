import { expect, Page, test } from '@playwright/test';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { expectAccessible, reviewId, signIn, visit } from './helpers';

async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();
}

test('the office collates the integrated chronology; the police return is reopened, added to by keyboard, uploaded and submitted', async ({
  page,
  request,
}) => {
  const id = await reviewId(request, 'SCR-2016-03');

  // The business office opens the chronology from the review.
  await signIn(page, 'office@demo.example');
  await visit(page, `/reviews/${id}`);
  await page.getByRole('link', { name: 'Open the chronology' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Chronology: SCR-2016-03');
  await expect(page.getByRole('heading', { level: 2, name: 'Integrated chronology' })).toBeVisible();
  await expectAccessible(page);

  const rows = page.locator('#integrated-rows');
  // The headings stay in view while the page scrolls (no scrolling box of its own).
  await expect(rows.locator('thead th').first()).toHaveCSS('position', 'sticky');
  // Every entry row names its agency in text, beside the colour.
  await rows.scrollIntoViewIfNeeded();
  await expect(rows.locator('tr.entry-row').filter({ hasText: 'POL' }).first()).toBeAttached();
  // Unconfirmed sharing and a gap with no contact (the filters bring them to the top).
  const flags = page.getByRole('group', { name: 'Show only entries' });
  await flags.getByLabel('With unconfirmed information sharing').check();
  await expect(rows.getByText(/Sharing with [A-Z]+ not confirmed/).first()).toBeVisible();
  await flags.getByLabel('With unconfirmed information sharing').uncheck();
  await flags.getByLabel('Next to a period with no contact').check();
  await expect(rows.getByText(/No contact for \d+ days/).first()).toBeVisible();
  await flags.getByLabel('Next to a period with no contact').uncheck();

  // Filters narrow the rows: only the duplicate groups, no gaps.
  await flags.getByLabel('In a probable duplicate group').check();
  await expect(rows.getByText(/No contact for/)).toHaveCount(0);

  // A probable duplicate group (the strategy discussion), confirmed.
  const group = rows.locator('tr.group-row').first();
  await expect(group).toContainText('Undecided');
  await group.getByRole('button', { name: /^Confirm/ }).click();
  await expect(rows.locator('tr.group-row').first()).toContainText('Confirmed duplicate');
  await expect(page.getByRole('status').filter({ hasText: 'Duplicate group 1 confirmed.' })).toBeVisible();
  await expectAccessible(page);
  await flags.getByLabel('In a probable duplicate group').uncheck();

  // The office reopens the police return.
  const returns = page.locator('table').filter({ has: page.locator('caption', { hasText: 'Returns from member agencies' }) });
  await returns.getByRole('button', { name: 'Reopen the POL return' }).click();
  await expect(returns.locator('tr', { hasText: 'POL' })).toContainText('Reopened');
  await expectAccessible(page);
  await signOut(page);

  // The police representative adds an entry without touching the mouse.
  await signIn(page, 'police.rep@demo.example');
  await visit(page, `/reviews/${id}/chronology`);
  await expect(page.getByRole('heading', { level: 2, name: "Your agency's return" })).toBeVisible();
  await expect(page.getByText('Reopened', { exact: true })).toBeVisible();
  const add = page.getByRole('form', { name: 'Add an entry' });
  const date = add.getByLabel('Date', { exact: true });
  await date.focus();
  await page.keyboard.type('?June 2016');
  await page.keyboard.press('Tab');
  await page.keyboard.type('09:30');
  await page.keyboard.press('Tab');
  await page.keyboard.type('POL-WEL-204');
  await page.keyboard.press('Tab');
  await page.keyboard.type('Home visit');
  await page.keyboard.press('Tab');
  // "What happened" takes several lines: Enter starts a new one, Ctrl+Enter saves.
  await page.keyboard.type('Welfare check at the home;');
  await page.keyboard.press('Enter');
  await page.keyboard.type('Child A seen and well');
  await expect(add.getByLabel('What happened')).toHaveValue('Welfare check at the home;\nChild A seen and well');
  await page.keyboard.press('Control+Enter');
  const own = page.locator('table').filter({ has: page.locator('caption', { hasText: /entries/ }) }).first();
  await expect(own).toContainText('POL-WEL-204');
  await expect(date).toBeFocused();
  await expect(date).toHaveValue('');
  await expectAccessible(page);

  // A second row straight away, with a date the server refuses: shown inline.
  await page.keyboard.type('31/02/2016');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await page.keyboard.type('POL-BAD-205');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await page.keyboard.type('A date that does not exist');
  await page.keyboard.press('Control+Enter');
  await expect(page.getByRole('alert').filter({ hasText: 'There is a problem' })).toBeVisible();
  await expect(page.locator('#new-startDate-error')).toBeVisible();
  await expectAccessible(page);

  // Upload: a file with a problem is refused row by row; a clean one is previewed, then confirmed.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lp-chronology-'));
  const bad = path.join(dir, 'bad.csv');
  fs.writeFileSync(
    bad,
    'Start Date,Source of Information,Event Type,Event\n12/04/2016,POL-1,Contact,\n',
  );
  const good = path.join(dir, 'police.csv');
  fs.writeFileSync(
    good,
    'Start Date,Start Time,Source of Information,Event Type,Event,Action Taken,Information Shared With\n' +
      '02/04/2016,23:40,POL-DA-201,Domestic incident,Police attended domestic incident at home; children present,DASH risk assessment completed,CSC\n' +
      'May 2016,,POL-INT-206,Contact,Intelligence report about the household,Logged,\n',
  );
  const upload = page.getByRole('form', { name: 'Upload a spreadsheet' });
  await upload.getByLabel('CSV or Excel (XLSX) file').setInputFiles(bad);
  await upload.getByRole('button', { name: 'Check the file' }).click();
  await expect(upload.getByRole('alert')).toContainText(/Row 2/);
  await expectAccessible(page);

  // A long file is shown a page of 50 rows at a time, every column of it.
  const long = path.join(dir, 'long.csv');
  fs.writeFileSync(
    long,
    'Seq,Start Date,Start Time,End Date,End Time,Source of Information,Event Type,Event,Action Taken,Information Shared With,Practitioner Comment\n' +
      Array.from({ length: 120 }, (_, i) => `1,${String((i % 28) + 1).padStart(2, '0')}/03/2016,09:00,,,POL-L-${i + 1},Contact,Call ${i + 1} logged,Advice given ${i + 1},,Checked by sergeant ${i + 1}`).join('\n') +
      '\n',
  );
  await upload.getByLabel('CSV or Excel (XLSX) file').setInputFiles(long);
  await upload.getByRole('button', { name: 'Check the file' }).click();
  await expect(upload.getByRole('heading', { name: '120 rows in long.csv' })).toBeVisible();
  await expect(upload.getByText('Rows 1 to 50 of 120')).toBeVisible();
  const previewTable = upload.locator('table');
  await expect(previewTable.locator('tbody tr')).toHaveCount(50);
  for (const heading of ['Seq', 'End date', 'End time', 'Action taken', 'Comment']) {
    await expect(previewTable.getByRole('columnheader', { name: heading, exact: true })).toBeVisible();
  }
  await expect(previewTable).toContainText('Advice given 1');
  await expect(previewTable).toContainText('Checked by sergeant 50');
  await upload.getByRole('button', { name: 'Next rows' }).click();
  await expect(upload.getByText('Rows 51 to 100 of 120')).toBeFocused();
  await expect(previewTable).toContainText('Checked by sergeant 51');
  await expect(previewTable).not.toContainText('Checked by sergeant 50');
  await upload.getByRole('button', { name: 'Next rows' }).click();
  await expect(upload.getByText('Rows 101 to 120 of 120')).toBeVisible();
  await expect(previewTable.locator('tbody tr')).toHaveCount(20);
  await expect(upload.getByRole('button', { name: 'Next rows' })).toBeDisabled();
  await expectAccessible(page);

  await upload.getByLabel('CSV or Excel (XLSX) file').setInputFiles(good);
  await upload.getByRole('button', { name: 'Check the file' }).click();
  await expect(upload.getByRole('heading', { name: '2 rows in police.csv' })).toBeVisible();
  await expect(upload.getByText('Rows 1 to 2 of 2')).toBeVisible();
  await expect(upload.locator('table')).toContainText('POL-INT-206');
  await expect(upload.locator('table')).toContainText('DASH risk assessment completed');
  await expect(upload.getByRole('button', { name: 'Next rows' })).toHaveCount(0);
  await expectAccessible(page);
  await upload.getByRole('button', { name: 'Replace my entries with these 2 rows' }).click();
  await expect(upload.getByRole('group', { name: /^Replace your \d+ entries with the file's 2 rows\?$/ })).toBeVisible();
  await upload.getByRole('button', { name: 'Yes, replace my entries' }).click();
  await expect(upload.getByRole('status')).toContainText('2 rows');
  await expect(own).toContainText('POL-INT-206');
  await expect(own).not.toContainText('POL-WEL-204');

  // Submit, after confirming.
  await page.getByRole('button', { name: 'Submit return' }).click();
  await page.getByRole('button', { name: 'Yes, submit the return' }).click();
  await expect(page.getByText(/^Return submitted\. Its entries can no longer be changed/)).toBeVisible();
  await expect(page.getByText('Submitted', { exact: true })).toBeVisible();
  await expect(page.getByRole('form', { name: 'Add an entry' })).toHaveCount(0);
  await expectAccessible(page);
});
