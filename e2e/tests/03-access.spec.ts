import { expect, test } from '@playwright/test';
import { expectAccessible, reviewId, signIn, visit } from './helpers';

test('an agency representative who is no member cannot open a review by its address', async ({ page, request }) => {
  const id = await reviewId(request, 'SCR-2016-03');

  await signIn(page, 'health.rep@demo.example');
  await visit(page, '/');
  await expect(page.getByRole('heading', { name: 'No reviews yet' })).toBeVisible();
  await expect(page.locator('table')).toHaveCount(0);

  await visit(page, `/reviews/${id}`);
  await expect(page.getByText(/not found/i).first()).toBeVisible();
  await expect(page.getByText('SCR-2016-03')).toHaveCount(0);
  await expect(page.locator('caption', { hasText: 'Statutory milestones' })).toHaveCount(0);

  // The navigation offers no office-only areas.
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' })).toHaveCount(0);
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit log' })).toHaveCount(0);
});

test('a person who is not signed in is sent to sign in, then back where they were going', async ({ page }) => {
  await page.goto('/agencies');
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fagencies/);
  await expectAccessible(page);
  await page.getByLabel('Email address').fill('reviewer@demo.example');
  await page.getByLabel('Password', { exact: true }).fill('wrong password!');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toContainText('There is a problem');
  await page.getByLabel('Password', { exact: true }).fill('safeguarding-demo');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/agencies$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Agencies');
});
