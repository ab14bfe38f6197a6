import { expect, test } from '@playwright/test';
import { BASE_URL, expectAccessible, graphql, signIn } from './helpers';

test('signing out ends the session on the server', async ({ page, context, request }) => {
  await signIn(page, 'office@demo.example');
  // Signed-in staff see which build answers (the same as /healthz and --version).
  await expect(page.locator('footer')).toContainText(/Version \d+\.\d+\.\d+ \(commit ([0-9a-f]+|unknown)\)/);
  const cookies = await context.cookies(BASE_URL);
  expect(cookies.length).toBeGreaterThan(0);
  const cookie = cookies.map((c) => `${c.name}=${c.value}`).join('; ');

  const before = await graphql(request, '{ me { id } }', {}, { cookie });
  expect(before.data.me).not.toBeNull();

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign in');
  await expect(page.locator('footer')).not.toContainText('Version');

  const response = await request.post('/graphql', {
    headers: { cookie, 'content-type': 'application/json', origin: BASE_URL },
    data: { query: '{ me { id } }' },
  });
  const after = await response.json();
  expect(after.data.me).toBeNull();

  // The app itself no longer lets the old page through.
  await page.goto('/reviews');
  await expect(page).toHaveURL(/\/sign-in/);
});

test('a wrong password says so once, in the error summary, at 1280 and 390 px', async ({ page }) => {
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await page.goto('/sign-in');
    await page.getByLabel('Email address').fill('office@demo.example');
    await page.getByLabel('Password', { exact: true }).fill('not the password at all');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const summary = page.getByRole('alert');
    await expect(summary).toContainText('There is a problem');
    await expect(summary).toBeFocused();
    // The message is about the pair, not one field: once on the page, and no field is
    // marked as wrong (GOV.UK: one message for a failed sign-in).
    const main = page.locator('main');
    await expect(main.getByText('Enter a correct email address and password')).toHaveCount(1);
    await expect(main).not.toContainText('is not right');
    await expect(main.locator('.error-message')).toHaveCount(0);
    await expect(main.locator('[aria-invalid="true"]')).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Sign out' })).toHaveCount(0);
    await expectAccessible(page);
  }
  // A field left empty is still a field error: in the summary, linked, and inline.
  await page.goto('/sign-in');
  await page.getByLabel('Email address').fill('office@demo.example');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert').getByRole('link', { name: 'Enter your password' })).toBeVisible();
  await expect(page.locator('#password-error')).toContainText('Enter your password');
  await expect(page.getByLabel('Password', { exact: true })).toHaveAttribute('aria-invalid', 'true');
});
