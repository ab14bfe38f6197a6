import { expect, test } from '@playwright/test';
import { expectAccessible, reviewId, signIn, signOut, summaryField, visit } from './helpers';



test('the lead reviewer writes the summary, the chair approves, publishing is refused for a leftover name until it is fixed', async ({
  page,
  request,
}) => {
  const id = await reviewId(request, 'SCR-2016-03');
  await signIn(page, 'reviewer@demo.example');
  await visit(page, `/reviews/${id}/summary`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Learning summary: SCR-2016-03');
  await page.getByRole('button', { name: 'Start the learning summary' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'The learning summary is started' })).toBeVisible();
  // Prefilled from the review's learning points.
  const multi = summaryField(page, /^Key learning points: multi-agency/);
  await expect(multi.locator('.markdown')).not.toBeEmpty();
  // One part is edited at a time: the others read as they will be published.
  await expect(page.getByLabel(/Markdown/)).toHaveCount(0);
  await expectAccessible(page);

  // Write what was learnt about the case: the preview follows the Markdown.
  const caseField = summaryField(page, /^What was learnt about the case/);
  const editor = caseField.getByLabel(/Markdown/);
  await caseField.getByRole('button', { name: 'Edit “What was learnt about the case”' }).click();
  await expect(editor).toBeFocused();
  await editor.fill('Early help was offered late.\n\n- **Lily** was seen at school in March 2016\n- Notifications were not confirmed');
  await expect(caseField.getByRole('region', { name: /^Preview/ }).locator('strong')).toHaveText('Lily');
  await caseField.getByRole('button', { name: /^Save “What was learnt about the case”/ }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved: What was learnt about the case' })).toBeVisible();
  await expect(caseField).toContainText('Version 1, saved by Rita Reviewer');
  // The gate already lists the name from the glossary.
  const check = page.getByRole('region', { name: /Names and identifiers: 1 to remove/ });
  await expect(check).toContainText('Lily');
  await expectAccessible(page);

  // A comment, then send it for review.
  await caseField.getByText('Comments (0)').click();
  await caseField.getByLabel(/^Comment on/).fill('Please add what the school did next.');
  await caseField.getByRole('button', { name: 'Add comment' }).click();
  await expect(caseField.getByText('Comments (1)')).toBeVisible();
  await page.getByRole('button', { name: 'Send for review' }).click();
  await page.getByRole('button', { name: 'Yes, send it for review' }).click();
  await expect(
    page.getByRole('status').filter({
      hasText: 'Learning summary sent for review. The independent chair can now approve it or return it to draft.',
    }),
  ).toBeVisible();
  await expect(page.getByText('In review', { exact: true })).toBeVisible();
  await signOut(page);

  // The chair approves.
  await signIn(page, 'chair@demo.example');
  await visit(page, `/reviews/${id}/summary`);
  await page.getByRole('button', { name: 'Approve (independent chair)' }).click();
  // The comment made after the last save is open: the chair is told and asked.
  await expect(page.getByRole('group', { name: 'There is 1 open comment. Approve anyway?' })).toBeVisible();
  await page.getByRole('button', { name: 'Yes, approve it anyway' }).click();
  await expect(page.getByText('Approved by the chair', { exact: true })).toBeVisible();
  await signOut(page);

  // The office: publishing is refused while the name remains; the problem names the field.
  await signIn(page, 'office@demo.example');
  await visit(page, `/reviews/${id}/summary`);
  await page.getByRole('button', { name: 'Publish the summary' }).click();
  await page.getByRole('button', { name: 'Yes, publish it' }).click();
  const problem = page.getByRole('alert');
  await expect(problem).toContainText('Lily');
  await expectAccessible(page);

  // Back to draft (with a reason), fixed, through review and approval again.
  await page.getByRole('button', { name: 'Return to draft' }).click();
  await expect(page.locator('#move-reason-error')).toBeVisible();
  await page.getByLabel('Reason for returning it to draft').fill('A real name is left in the case section.');
  await page.getByRole('button', { name: 'Return to draft' }).click();
  await page.getByRole('button', { name: 'Yes, return it to draft' }).click();
  await expect(page.getByText('Draft', { exact: true })).toBeVisible();
  await caseField.getByRole('button', { name: 'Edit “What was learnt about the case”' }).click();
  await editor.fill('Early help was offered late.\n\n- **Child A** was seen at school in March 2016\n- Notifications were not confirmed');
  await caseField.getByRole('button', { name: /^Save “What was learnt about the case”/ }).click();
  await expect(caseField).toContainText('Version 2, saved by Olivia Office');
  await expect(page.getByRole('region', { name: 'Names and identifiers' })).toContainText('None found');
  // The two versions compared.
  await caseField.getByText('Saved versions (2)').click();
  await caseField.getByRole('button', { name: 'Show the changes' }).click();
  await expect(caseField.locator('.diff-removed')).toContainText('Lily');
  await expect(caseField.locator('.diff-added')).toContainText('Child A');
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Send for review' }).click();
  await page.getByRole('button', { name: 'Yes, send it for review' }).click();
  await expect(page.getByText('In review', { exact: true })).toBeVisible();
  await signOut(page);
  await signIn(page, 'chair@demo.example');
  await visit(page, `/reviews/${id}/summary`);
  await page.getByRole('button', { name: 'Approve (independent chair)' }).click();
  // The field was saved after the comment: nothing open, a plain question.
  await expect(page.getByRole('group', { name: 'Approve the learning summary?' })).toBeVisible();
  await page.getByRole('button', { name: 'Yes, approve it', exact: true }).click();
  await expect(
    page.getByRole('status').filter({ hasText: 'Learning summary approved. The business office can now publish it.' }),
  ).toBeVisible();
  await expect(page.getByText('Approved by the chair', { exact: true })).toBeVisible();
  await signOut(page);

  await signIn(page, 'office@demo.example');
  await visit(page, `/reviews/${id}/summary`);
  await page.getByRole('button', { name: 'Publish the summary' }).click();
  await page.getByRole('button', { name: 'Yes, publish it' }).click();
  await expect(page.getByRole('status').filter({ hasText: /^Learning summary published\. Anyone can read it on the public pages/ })).toBeVisible();
  await expect(page.getByText('Published', { exact: true })).toBeVisible();
  await expectAccessible(page);

  // Signed out: on the public pages, with its dates, and no real name anywhere.
  await signOut(page);
  await page.goto('/published');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Published learning summaries');
  await expectAccessible(page);
  await page.getByRole('link', { name: /^SCR-2016-03: Child A/ }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Learning summary: Child A (SCR-2016-03)');
  await expect(page.getByText(/available here until/)).toBeVisible();
  await expect(page.getByRole('heading', { level: 2, name: /What was learnt about the case/ })).toBeVisible();
  await expect(page.locator('main')).toContainText('Child A was seen at school');
  await expect(page.locator('main')).not.toContainText('Lily');
  await expectAccessible(page);

  // A practitioner finds it in the learning library.
  await signIn(page, 'practitioner@demo.example');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Library' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Learning library');
  await page.getByLabel('Words').fill('notifications');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page.locator('.published-list li').first()).toContainText('SCR-2016-03');
  await expect(page.locator('main')).not.toContainText('Lily');
  await expectAccessible(page);
});
