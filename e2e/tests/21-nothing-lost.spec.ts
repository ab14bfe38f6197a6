import { Dialog, expect, test } from '@playwright/test';
import { expectAccessible, reviewId, signIn, summaryField, visit } from './helpers';


test('text being written is not lost: leaving asks first, the app survives leaving at once, and a reload keeps the text until it is saved', async ({
  page,
  request,
}) => {
  // Anything the app throws (a Rust panic shows as "RuntimeError: unreachable").
  const crashes: string[] = [];
  page.on('pageerror', (e) => crashes.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && /unreachable|panicked|The app stopped/.test(m.text())) crashes.push(m.text());
  });

  const id = await reviewId(request, 'RR-2026-01');
  await signIn(page, 'reviewer@demo.example');
  await visit(page, `/reviews/${id}/summary`);
  await page.getByRole('button', { name: 'Start the learning summary' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'The learning summary is started' })).toBeVisible();

  // One part open at a time, with its own Save; opening another closes the first.
  const caseField = summaryField(page, /^What was learnt about the case/);
  const editor = caseField.getByLabel(/Markdown/);
  await caseField.getByRole('button', { name: 'Edit “What was learnt about the case”' }).click();
  await expect(editor).toBeFocused();
  await expect(page.getByRole('button', { name: /^Save “/ })).toHaveCount(1);
  await expectAccessible(page);
  await page.setViewportSize({ width: 390, height: 844 });
  await expectAccessible(page);
  await page.setViewportSize({ width: 1280, height: 900 });

  // Typing, then "Back to the review" at once: asked first; staying keeps the text.
  const words = 'The school nurse saw bruising twice and the referral was not followed up.';
  await editor.fill(words);
  let asked = '';
  page.once('dialog', (d) => {
    asked = d.message();
    void d.dismiss();
  });
  await page.getByRole('link', { name: 'Back to the review' }).click();
  await expect.poll(() => asked).toContain('not saved');
  await expect(page).toHaveURL(new RegExp(`/reviews/${id}/summary$`));
  await expect(editor).toHaveValue(words);

  // Leaving anyway, before the preview's timer fires: the app carries on (this panicked).
  await editor.fill(`${words} Again.`);
  page.once('dialog', (d) => void d.accept());
  await page.getByRole('link', { name: 'Back to the review' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('RR-2026-01');
  await page.waitForTimeout(1000);
  expect(crashes).toEqual([]);
  await expect(page.locator('#app-crashed')).toHaveCount(0);

  // Back in the summary (through the app): the text is kept in the tab and marked.
  await page.getByRole('link', { name: 'Open the learning summary' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Learning summary: RR-2026-01');
  await expect(caseField.getByText('Not saved', { exact: true })).toBeVisible();
  await expectAccessible(page);

  // A reload (the browser asks too) keeps it as well.
  page.once('dialog', (d) => void d.accept());
  await page.reload();
  await expect(caseField.getByText('Not saved', { exact: true })).toBeVisible();
  await caseField.getByRole('button', { name: 'Go on editing “What was learnt about the case”' }).click();
  await expect(editor).toHaveValue(`${words} Again.`);

  // Saved: nothing is left to ask about or to keep.
  await caseField.getByRole('button', { name: 'Save “What was learnt about the case”' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved: What was learnt about the case' })).toBeVisible();
  await expect(caseField.getByText('Not saved', { exact: true })).toHaveCount(0);
  await expect(caseField.locator('.markdown')).toContainText('bruising twice');
  const kept = await page.evaluate(() => Object.keys(sessionStorage).filter((k) => k.startsWith('lp-draft:')));
  expect(kept).toEqual([]);
  let askedAgain = false;
  const notAsked = (d: Dialog) => {
    askedAgain = true;
    void d.accept();
  };
  page.once('dialog', notAsked);
  await page.getByRole('link', { name: 'Back to the review' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('RR-2026-01');
  expect(askedAgain).toBe(false);
  page.off('dialog', notAsked);

  // Signing out with an unsaved comment asks first.
  await visit(page, `/reviews/${id}/summary`);
  await caseField.getByText('Comments (0)').click();
  await caseField.getByLabel(/^Comment on/).fill('Should the GP have been told?');
  page.once('dialog', (d) => void d.dismiss());
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
  await expect(caseField.getByLabel(/^Comment on/)).toHaveValue('Should the GP have been told?');
  expect(crashes).toEqual([]);
});
