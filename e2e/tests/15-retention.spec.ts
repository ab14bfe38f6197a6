import { expect, test } from '@playwright/test';
import { expectAccessible, reviewId, signIn, visit } from './helpers';

test('the business office sets how long records are kept and previews a run, on a computer and a phone', async ({ page }) => {
  await signIn(page, 'office@demo.example');
  await page.getByRole('link', { name: 'Retention' }).click();
  await expect(page).toHaveURL(/\/retention$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Retention');
  await expect(page.getByRole('group', { name: 'Serious case review / local child safeguarding practice review' })).toContainText('kept forever (the default)');
  await expectAccessible(page);

  // Out of bounds: the audit log is kept at least a year; the error names the field.
  const auditLog = page.getByRole('group', { name: 'Audit log entries' });
  await auditLog.getByLabel('Audit log entries: how long').fill('6');
  await page.getByRole('button', { name: 'Save retention rules' }).click();
  await expect(page.getByRole('alert')).toContainText('from 12 to 1200 months');
  await expectAccessible(page);

  await auditLog.getByLabel('Audit log entries: how long').fill('120');
  await page.getByRole('button', { name: 'Save retention rules' }).click();
  await expect(page.getByRole('status').first()).toContainText('Retention rules saved');
  await expect(page.getByRole('group', { name: 'Audit log entries' })).toContainText('Now: 10 years; the default is 7 years.');
  await expect(page.getByRole('group', { name: 'Audit log entries' })).toContainText('Last changed by');

  // Back to the default, so the other journeys see the demo as it was.
  await page.getByRole('group', { name: 'Audit log entries' }).getByLabel('Audit log entries: how long').fill('84');
  await page.getByRole('button', { name: 'Save retention rules' }).click();
  await expect(page.getByRole('group', { name: 'Audit log entries' })).toContainText('Now: 7 years (the default).');

  // A preview deletes nothing: the demo's closed serious case reviews are kept forever.
  await page.getByRole('button', { name: 'Preview what would be deleted' }).click();
  await expect(page.getByRole('heading', { name: 'Preview: a run now would delete' })).toBeVisible();
  await expect(page.getByRole('status').last()).toContainText(/\d+ reviews, chronologies of \d+ reviews, \d+ audit entries/);
  await expectAccessible(page);

  // Run now: recorded in the list of runs and in the audit log, counts and references only.
  await page.getByRole('button', { name: 'Run retention now' }).click();
  await expect(page.getByRole('heading', { name: 'Retention run: deleted' })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Latest retention runs' })).toContainText('Run by hand');
  await page.setViewportSize({ width: 390, height: 844 });
  await expectAccessible(page);
  await page.setViewportSize({ width: 1280, height: 800 });

  await visit(page, '/audit-log');
  await page.getByLabel('Kind of event').selectOption({ label: 'Retention, legal holds and deletion' });
  await page.getByRole('button', { name: 'Apply filters' }).click();
  const entry = page.locator('table tbody tr').first();
  await expect(entry).toContainText('Deleted expired records (retention run)');
  await expect(entry).toContainText('retention.purge');
  await entry.getByText('Details').click();
  await expect(entry.locator('pre')).toContainText('"dryRun": false');
  await page.getByRole('button', { name: 'Verify chain' }).click();
  await expect(page.getByText(/The chain is intact: \d+ entries checked/)).toBeVisible();
  await expectAccessible(page);
});

test('a legal hold on a review, with who set it and why, shown on the review and lifted with a reason', async ({ page, request }) => {
  const id = await reviewId(request, 'RR-2026-01');
  await signIn(page, 'office@demo.example');
  await visit(page, `/reviews/${id}`);
  await expect(page.getByRole('heading', { name: 'Retention and legal hold' })).toBeVisible();
  await expect(page.getByText('Open: kept while it is open')).toHaveCount(2);

  // A reason is required.
  await page.getByRole('button', { name: 'Place a legal hold' }).click();
  await expect(page.getByRole('alert')).toContainText('Enter why the review is held');
  await page.getByLabel('Why the review is held').fill("Coroner's inquest opened; keep every record");
  await page.getByRole('button', { name: 'Place a legal hold' }).click();
  const notice = page.locator('#legal-hold');
  await expect(notice).toContainText('Nothing under this review is deleted while the hold is in force.');
  await expect(notice).toContainText("Coroner's inquest opened; keep every record");
  await expect(notice).toContainText('Set by');
  await expectAccessible(page);

  // Everyone who sees the review sees the hold; only the business office changes it.
  await page.setViewportSize({ width: 390, height: 844 });
  await expectAccessible(page);
  await page.setViewportSize({ width: 1280, height: 800 });

  await page.getByRole('button', { name: 'Lift the legal hold' }).click();
  await expect(page.getByRole('alert')).toContainText('Enter why the hold is lifted');
  await page.getByLabel('Why the hold is lifted').fill('Inquest concluded');
  await page.getByRole('button', { name: 'Lift the legal hold' }).click();
  await expect(page.locator('#legal-hold')).toHaveCount(0);
  const earlier = page.getByRole('table', { name: 'Earlier legal holds' });
  await expect(earlier).toContainText('Inquest concluded');
  await expect(earlier).toContainText("Coroner's inquest opened");
  await expectAccessible(page);
});
