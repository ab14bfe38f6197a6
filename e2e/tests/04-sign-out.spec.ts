import { expect, test } from '@playwright/test';
import { BASE_URL, graphql, signIn } from './helpers';

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
