import { expect, test } from '@playwright/test';
import { expectAccessible, signIn, signOut, visit } from './helpers';

test('someone who forgot their password is told what to do, on a computer and a phone', async ({ page }) => {
  await page.goto('/sign-in');
  await page.getByRole('link', { name: 'Forgotten your password?' }).click();
  await expect(page).toHaveURL(/\/forgotten-password$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Forgotten your password');
  await expectAccessible(page);

  // Nothing typed: the error says what to do.
  await page.getByRole('button', { name: 'Send the link' }).click();
  await expect(page.getByRole('alert')).toContainText('Enter your email address');
  await expectAccessible(page);

  await page.getByLabel('Email address').fill('rep.police@demo.example');
  await page.getByRole('button', { name: 'Send the link' }).click();
  // The demo sends no email: the business office sets a new password.
  await expect(page.getByRole('status')).toContainText("Ask the partnership's business office");
  await expectAccessible(page);

  await page.setViewportSize({ width: 390, height: 844 });
  await expectAccessible(page);

  // A link that was never issued (or has been used) is refused with a way forward.
  await page.goto('/reset-password?token=not-a-real-link');
  await page.getByLabel('New password', { exact: true }).fill('a brand new passphrase');
  await page.getByLabel('New password again').fill('a brand new passphrase');
  await page.getByRole('button', { name: 'Change my password' }).click();
  await expect(page.getByRole('alert')).toContainText('expired or has already been used');
  await expect(page.getByRole('link', { name: 'Ask for a new link' })).toBeVisible();
  await expectAccessible(page);
});

test('the business office sets a new password, and the person signs in with it', async ({ page }) => {
  await signIn(page, 'office@demo.example');
  await visit(page, '/users');
  await page.getByRole('link', { name: 'New user' }).click();
  const suffix = Date.now() % 1_000_000;
  const email = `reset.${suffix}@demo.example`;
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Display name').fill(`Reset Person ${suffix}`);
  await page.getByLabel('Independent chair').check();
  await page.getByLabel('Initial password').fill('the first password');
  await page.getByRole('button', { name: 'Create user' }).click();
  await expect(page).toHaveURL(/\/users\/[^/]+$/);

  await page.getByLabel('New password', { exact: true }).fill('short');
  await page.getByRole('button', { name: 'Set password' }).click();
  await expect(page.getByRole('alert')).toContainText('at least 12 characters');

  await page.getByLabel('New password', { exact: true }).fill('the second password');
  await page.getByRole('button', { name: 'Set password' }).click();
  // A step that signs someone out everywhere is confirmed first.
  await expect(page.getByText('signs this person out of every device')).toBeVisible();
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Yes, set the password' }).click();
  await expect(page.getByRole('status')).toContainText('New password set');

  await signOut(page);
  await page.goto('/sign-in');
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill('the second password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
});
