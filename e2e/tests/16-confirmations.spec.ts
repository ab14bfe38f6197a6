import { APIRequestContext, expect, Page, test } from '@playwright/test';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BASE_URL, expectAccessible, graphql, PASSWORD, reviewId, signIn, visit } from './helpers';

async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();
}

/** axe finds nothing at a computer's width and a phone's, the page as it stands. */
async function accessibleAtBothWidths(page: Page): Promise<void> {
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await expectAccessible(page);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

/** An API client signed in as `email`. */
async function client(playwright: { request: { newContext: (o: object) => Promise<APIRequestContext> } }, email: string) {
  const c = await playwright.request.newContext({ baseURL: BASE_URL });
  await graphql(c, 'mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { id } }', { e: email, p: PASSWORD });
  return c;
}

test('replacing a return from a file says how many entries go, typed ones too, and asks first', async ({ page, request, playwright }) => {
  const id = await reviewId(request, 'SCR-2016-03');
  const rep = await client(playwright, 'police.rep@demo.example');
  const mine = async () =>
    (await graphql(rep, 'query($id: ID!) { review(id: $id) { myChronologyReturn { id status entries { source } } } }', { id })).data.review
      .myChronologyReturn;
  let ret = await mine();
  if (ret.status === 'SUBMITTED') {
    await graphql(request, 'mutation($r: ID!) { reopenChronologyReturn(returnId: $r) { id } }', { r: ret.id });
  }
  // A known start: two entries from a file, then one typed in the browser.
  const file = (rows: string[]) =>
    Buffer.from(['Start Date,Source of Information,Event', ...rows].join('\n') + '\n').toString('base64');
  const imported = await graphql(
    rep,
    'mutation($r: ID!, $c: String!) { confirmChronologyImport(returnId: $r, fileName: "start.csv", contentBase64: $c) { entryCount } }',
    { r: ret.id, c: file(['01/03/2016,POL-FILE-1,From the first file', '02/03/2016,POL-FILE-2,From the first file too']) },
  );
  expect(imported.data.confirmChronologyImport.entryCount).toBe(2);

  await signIn(page, 'police.rep@demo.example');
  await visit(page, `/reviews/${id}/chronology`);
  const add = page.getByRole('form', { name: 'Add an entry' });
  await add.getByLabel('Date', { exact: true }).fill('03/03/2016');
  await add.getByLabel('Source', { exact: true }).fill('POL-TYPED-1');
  await add.getByLabel('What happened', { exact: true }).fill('Typed in the browser');
  await add.getByLabel('What happened', { exact: true }).press('Control+Enter');
  const own = page.locator('table').filter({ has: page.locator('caption', { hasText: /\bentr(y|ies)\b/ }) }).first();
  await expect(own).toContainText('POL-TYPED-1');
  // Deleting an entry asks the same way; Cancel keeps it.
  await own.getByRole('button', { name: /^Delete the entry of .* \(POL-TYPED-1\)$/ }).click();
  const del = page.getByRole('group', { name: /^Delete the entry of .* \(POL-TYPED-1\)\?$/ });
  await expect(del.getByRole('button', { name: 'Yes, delete the entry' })).toBeFocused();
  await del.getByRole('button', { name: 'Cancel' }).click();
  await expect(del).toHaveCount(0);
  await expect(own).toContainText('POL-TYPED-1');

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lp-confirm-'));
  const next = path.join(dir, 'next.csv');
  fs.writeFileSync(next, 'Start Date,Source of Information,Event\n04/03/2016,POL-NEW-1,The only row of the new file\n');
  const upload = page.getByRole('form', { name: 'Upload a spreadsheet' });
  // The template to fill in, for Excel (with its guidance sheet) or as CSV.
  const [template] = await Promise.all([
    page.waitForEvent('download'),
    upload.getByRole('button', { name: 'Download it for Excel (XLSX, with guidance)' }).click(),
  ]);
  expect(template.suggestedFilename()).toBe('chronology-template.xlsx');
  await expect(upload.getByRole('status')).toContainText('Downloaded chronology-template.xlsx.');
  await upload.getByLabel('CSV or Excel (XLSX) file').setInputFiles(next);
  await upload.getByRole('button', { name: 'Check the file' }).click();
  await upload.getByRole('button', { name: 'Replace my entries with this 1 row' }).click();
  const ask = upload.getByRole('group', { name: "Replace your 3 entries with the file's 1 row?" });
  await expect(ask).toContainText(
    "All 3 entries now in your return are deleted, including 1 entry typed in the browser, and the file's 1 row takes their place. This cannot be undone.",
  );
  await expect(ask.getByRole('button', { name: 'Yes, replace my entries' })).toBeFocused();
  await accessibleAtBothWidths(page);

  // Cancel: nothing replaced.
  await ask.getByRole('button', { name: 'Cancel' }).click();
  await expect(ask).toHaveCount(0);
  ret = await mine();
  expect(ret.entries.map((e: { source: string }) => e.source).sort()).toEqual(['POL-FILE-1', 'POL-FILE-2', 'POL-TYPED-1']);

  // Confirmed: replaced.
  await upload.getByRole('button', { name: 'Replace my entries with this 1 row' }).click();
  await ask.getByRole('button', { name: 'Yes, replace my entries' }).click();
  await expect(upload.getByRole('status')).toContainText("Your 3 entries were replaced with the file's 1 row.");
  await expect(own).toContainText('POL-NEW-1');
  await expect(own).not.toContainText('POL-TYPED-1');
  ret = await mine();
  expect(ret.entries.map((e: { source: string }) => e.source)).toEqual(['POL-NEW-1']);

  // Submitting the return asks the same way: Cancel leaves it a draft.
  await page.getByRole('button', { name: 'Submit return' }).click();
  const submit = page.getByRole('group', { name: 'Submit the return with its 1 entry?' });
  await expect(submit.getByRole('button', { name: 'Yes, submit the return' })).toBeFocused();
  await submit.getByRole('button', { name: 'Cancel' }).click();
  expect((await mine()).status).not.toBe('SUBMITTED');
  await page.getByRole('button', { name: 'Submit return' }).click();
  await submit.getByRole('button', { name: 'Yes, submit the return' }).click();
  await expect(page.getByText(/^Return submitted\. Its entries can no longer be changed/)).toBeVisible();
  expect((await mine()).status).toBe('SUBMITTED');
  await rep.dispose();
});

test('every step of a learning summary asks first, approval says how many comments are open, and each says what it did', async ({
  page,
  request,
}) => {
  const id = await reviewId(request, 'LCSPR-2026-02');
  const state = async () =>
    (await graphql(request, 'query($r: ID!) { learningSummary(reviewId: $r) { state } }', { r: id })).data.learningSummary.state;
  const started = await graphql(request, 'mutation($r: ID!) { startLearningSummary(reviewId: $r) { id } }', { r: id });
  const summaryId = started.data.startLearningSummary.id;
  for (const text of ['Say what the school did next.', 'Add the youth offending service view.']) {
    await graphql(
      request,
      'mutation($s: ID!, $t: String!) { commentOnSummaryField(summaryId: $s, field: CASE_LEARNING, text: $t) { id } }',
      { s: summaryId, t: text },
    );
  }

  // The office sends it for review: Cancel leaves it a draft; Yes sends it.
  await signIn(page, 'office@demo.example');
  await visit(page, `/reviews/${id}/summary`);
  await page.getByRole('button', { name: 'Send for review' }).click();
  const send = page.getByRole('group', { name: 'Send the learning summary for review?' });
  await expect(send.getByRole('button', { name: 'Yes, send it for review' })).toBeFocused();
  await accessibleAtBothWidths(page);
  await send.getByRole('button', { name: 'Cancel' }).click();
  await expect(send).toHaveCount(0);
  expect(await state()).toBe('DRAFT');
  await page.getByRole('button', { name: 'Send for review' }).click();
  await send.getByRole('button', { name: 'Yes, send it for review' }).click();
  await expect(
    page.getByRole('status').filter({
      hasText: 'Learning summary sent for review. The independent chair can now approve it or return it to draft.',
    }),
  ).toBeVisible();
  await expect(page.getByText('In review', { exact: true })).toBeVisible();
  expect(await state()).toBe('IN_REVIEW');
  await expect(page.locator('main')).not.toContainText('Done:');
  await signOut(page);

  // The chair: returning it to draft asks too (Cancel: still in review; Yes: a draft).
  await signIn(page, 'chair@demo.example');
  await visit(page, `/reviews/${id}/summary`);
  await page.getByLabel('Reason for returning it to draft').fill('The agencies’ views are missing.');
  await page.getByRole('button', { name: 'Return to draft' }).click();
  const back = page.getByRole('group', { name: 'Return the learning summary to draft?' });
  await back.getByRole('button', { name: 'Cancel' }).click();
  expect(await state()).toBe('IN_REVIEW');
  await page.getByRole('button', { name: 'Return to draft' }).click();
  await back.getByRole('button', { name: 'Yes, return it to draft' }).click();
  await expect(
    page.getByRole('status').filter({ hasText: 'Learning summary returned to draft. It can be changed again, then sent for review.' }),
  ).toBeVisible();
  expect(await state()).toBe('DRAFT');
  await graphql(request, 'mutation($s: ID!) { moveLearningSummary(summaryId: $s, to: IN_REVIEW) { id } }', { s: summaryId });

  // Approving with open comments says how many and asks.
  await page.reload();
  await expect(page.getByText('In review', { exact: true })).toBeVisible();
  await page.getByRole('button', { name: 'Approve (independent chair)' }).click();
  const approve = page.getByRole('group', { name: 'There are 2 open comments. Approve anyway?' });
  await expect(approve.getByRole('button', { name: 'Yes, approve it anyway' })).toBeFocused();
  await accessibleAtBothWidths(page);
  await approve.getByRole('button', { name: 'Cancel' }).click();
  expect(await state()).toBe('IN_REVIEW');
  await page.getByRole('button', { name: 'Approve (independent chair)' }).click();
  await approve.getByRole('button', { name: 'Yes, approve it anyway' }).click();
  await expect(
    page.getByRole('status').filter({ hasText: 'Learning summary approved. The business office can now publish it.' }),
  ).toBeVisible();
  await expect(page.getByText('Approved by the chair', { exact: true })).toBeVisible();
  expect(await state()).toBe('APPROVED');
  await signOut(page);

  // The office publishes: Cancel leaves it approved; Yes publishes, saying until when.
  await signIn(page, 'office@demo.example');
  await visit(page, `/reviews/${id}/summary`);
  await page.getByRole('button', { name: 'Publish the summary' }).click();
  const publish = page.getByRole('group', { name: 'Publish the learning summary?' });
  await expect(publish).toContainText('Anyone will be able to read it on the public pages, without signing in, until');
  await accessibleAtBothWidths(page);
  await publish.getByRole('button', { name: 'Cancel' }).click();
  expect(await state()).toBe('APPROVED');
  await page.getByRole('button', { name: 'Publish the summary' }).click();
  await publish.getByRole('button', { name: 'Yes, publish it' }).click();
  await expect(
    page.getByRole('status').filter({ hasText: /^Learning summary published\. Anyone can read it on the public pages, without signing in, until \d{1,2} \w+ \d{4}\.$/ }),
  ).toBeVisible();
  expect(await state()).toBe('PUBLISHED');
  await accessibleAtBothWidths(page);
});
