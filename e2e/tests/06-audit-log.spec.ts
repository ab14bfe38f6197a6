import { expect, test } from '@playwright/test';
import { expectAccessible, fillDate, settled, signIn, visit } from './helpers';

/** A raw action code such as `review.read` or `sign_in`. */
const CODE = /^[a-z_]+(\.[a-z_]+)*$/;

test('the business office reads the audit log in words, filters it and verifies it', async ({ page }) => {
  await signIn(page, 'office@demo.example');
  // Something to find: opening a review is audited.
  await visit(page, '/reviews');
  await page.getByRole('link', { name: 'SCR-2016-03' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('SCR-2016-03');

  await visit(page, '/audit-log');
  const table = page.locator('table', { has: page.locator('caption', { hasText: 'Audit log entries' }) });
  await expect(table).toBeVisible();
  expect(await table.locator('tbody tr').count()).toBeGreaterThan(0);

  // Events in words, with the code beside them; the review by its reference, not an id.
  const opened = table.locator('tbody tr', { hasText: 'Opened a review' }).first();
  await expect(opened).toBeVisible();
  await expect(opened.locator('td[data-label="What happened"] code')).toHaveText('review.read');
  await expect(opened.locator('td[data-label="Review"]').getByRole('link', { name: 'SCR-2016-03' })).toBeVisible();
  await expect(opened.locator('td[data-label="About"]')).toContainText('Review: SCR-2016-03');
  for (const words of await table.locator('.audit-words').allTextContents()) {
    expect(words.trim()).not.toMatch(CODE);
  }
  await expect(table.getByText('Signed in', { exact: true }).first()).toBeVisible();

  await page.getByRole('button', { name: 'Verify chain' }).click();
  await expect(page.getByText(/The chain is intact: \d+ entries checked/)).toBeVisible();
  await expectAccessible(page);

  // Filter by person and today's date.
  const person = page.getByLabel('Person');
  const office = (await person.locator('option', { hasText: /office|business/i }).first().textContent())!.trim();
  await person.selectOption({ label: office });
  await fillDate(page, 'From', -1);
  await fillDate(page, 'To', 1);
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await settled(page);
  const people = await table.locator('tbody td[data-label="Who"]').allTextContents();
  expect(people.length).toBeGreaterThan(0);
  for (const p of people) expect(p.trim().startsWith(office)).toBe(true);
  await expectAccessible(page);

  // Filter by review (its reference, in any case) and by kind of event, in words.
  await page.getByLabel('Review reference').fill('scr-2016-03');
  await page.getByLabel('Kind of event').selectOption({ label: 'Records viewed' });
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await settled(page);
  const reviews = await table.locator('tbody td[data-label="Review"]').allTextContents();
  expect(reviews.length).toBeGreaterThan(0);
  for (const r of reviews) expect(r.trim()).toBe('SCR-2016-03');
  const codes = await table.locator('tbody td[data-label="What happened"] code').allTextContents();
  expect(codes).toContain('review.read');
  for (const c of codes) expect(c).toMatch(/\.(read|list|diff|statistics)$/);
  await expectAccessible(page);

  // Another kind of the same review: none of its entries were viewings.
  await page.getByLabel('Kind of event').selectOption({ label: 'Signing in and out' });
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await expect(page.getByRole('heading', { name: 'No entries' })).toBeVisible();

  // A reference no review has is named in the error summary, at the field.
  await page.getByLabel('Review reference').fill('NO-SUCH-1');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  const summary = page.locator('.error-summary');
  await expect(summary).toBeVisible();
  await expect(summary.getByRole('link', { name: /Review reference does not match any review/ })).toBeVisible();
  await expectAccessible(page);

  // On a phone: each entry a card, nothing wider than the screen.
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await expect(table).toBeVisible();
  await page.setViewportSize({ width: 390, height: 844 });
  await settled(page);
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(wide).toBeLessThanOrEqual(390);
  await expectAccessible(page);
  await page.setViewportSize({ width: 1280, height: 800 });

  // The codes remain for investigators; a filter that matches nothing says so.
  await page.getByText('Filter by codes (for investigators)').click();
  await page.getByLabel('Object type').fill('no-such-object-type');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await expect(page.getByRole('heading', { name: 'No entries' })).toBeVisible();

  await page.getByRole('button', { name: 'Clear filters' }).click();
  await expect(table).toBeVisible();
});
