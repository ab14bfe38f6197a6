import { expect, test } from '@playwright/test';
import { expectAccessible, fillDate, isoDate, signIn, STATE_TAGS, UK_DATE, visit } from './helpers';

test('the business office creates a review and sees its statutory milestones', async ({ page }) => {
  await signIn(page, 'office@demo.example');
  await expectAccessible(page);

  await visit(page, '/reviews/new');
  await expect(page).toHaveTitle(/New review/);
  const reference = `E2E-${Date.now() % 1_000_000}`;
  await page.getByLabel('Reference').fill(reference);
  await page.getByLabel('Kind of review').selectOption('SERIOUS_CASE_REVIEW');
  await page.getByLabel('Subject').fill('Child E');
  await page.getByLabel('Neglect').check();
  await page.getByLabel('Methodology', { exact: true }).selectOption('LEARNING_TOGETHER');
  await page.getByLabel('Month of the incident').selectOption({ label: 'March' });
  await page.getByLabel('Year of the incident').fill(isoDate().slice(0, 4));
  await page.getByLabel('Statutory regime').selectOption({ label: 'Working Together 2015' });
  await fillDate(page, 'Date the partnership became aware (optional)', -5);
  await fillDate(page, 'Date of notification', -3);

  // Members are found by typing, not picked from one list per person in the partnership.
  const members = page.getByRole('group', { name: 'Members' });
  await expect(members).toContainText('No members yet.');
  await expect(members.getByRole('combobox')).toHaveCount(0);
  const search = page.getByLabel('Add a member');
  await search.fill('reviewer csc');
  await expect(page.locator('#member-search-status')).toHaveText('1 person matches.');
  await members.getByRole('button', { name: 'Add Rita Reviewer (CSC)' }).click();
  const rita = page.getByLabel('Rita Reviewer (CSC)');
  await expect(rita).toBeFocused();
  await expect(rita).toHaveValue('MEMBER');
  await rita.selectOption({ label: 'Lead reviewer' });
  await search.fill('rita');
  await expect(page.locator('#member-search-status')).toHaveText('No one matches.');
  await search.fill('pol');
  await expect(members.getByRole('button', { name: /^Add .*\(POL\)$/ }).first()).toBeVisible();
  await search.press('Enter');
  await expect(page).toHaveURL(/\/reviews\/new$/);
  await expectAccessible(page);
  await page.setViewportSize({ width: 390, height: 844 });
  await expectAccessible(page);
  await page.setViewportSize({ width: 1280, height: 900 });
  await search.fill('');

  await page.getByRole('button', { name: 'Create review' }).click();

  await expect(page).toHaveURL(/\/reviews\/[^/]+$/);
  const memberTable = page.locator('table', { has: page.locator('caption', { hasText: 'Members' }) });
  await expect(memberTable).toContainText('Rita Reviewer');
  await expect(memberTable).toContainText('Lead reviewer');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(reference);
  const milestones = page.locator('table', { has: page.locator('caption', { hasText: 'Statutory milestones' }) });
  await expect(milestones).toBeVisible();
  const rows = milestones.locator('tbody tr');
  expect(await rows.count()).toBeGreaterThan(0);
  await expect(rows.first().locator('td').nth(1)).toHaveText(UK_DATE);
  for (const tag of await rows.locator('.tag').allTextContents()) {
    expect(tag.trim()).toMatch(STATE_TAGS);
  }
  await expectAccessible(page);

  await visit(page, '/reviews');
  await expect(page.getByRole('link', { name: reference })).toBeVisible();
});

test('a review without a kind shows the error summary', async ({ page }) => {
  await signIn(page, 'office@demo.example');
  await visit(page, '/reviews/new');
  await page.getByRole('button', { name: 'Create review' }).click();
  const summary = page.getByRole('alert');
  await expect(summary).toContainText('There is a problem');
  await expect(summary.getByRole('link', { name: 'Select the kind of review' })).toBeVisible();
  await expect(summary).toBeFocused();
  await expectAccessible(page);
});
