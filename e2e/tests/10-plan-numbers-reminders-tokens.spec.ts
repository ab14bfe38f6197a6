import { expect, Page, test } from '@playwright/test';
import { BASE_URL, expectAccessible, graphql, signIn, visit } from './helpers';

/** The table whose caption says `caption`. */
function table(page: Page, caption: string | RegExp) {
  return page.locator('table').filter({ has: page.locator('caption', { hasText: caption }) });
}

test('the office sees the plan in charts with their numbers, and prints the plan as filtered', async ({ page }) => {
  await signIn(page, 'office@demo.example');
  await visit(page, '/actions');
  // The numbers come after the actions, folded away until opened.
  const bars = page.getByRole('img', { name: /Actions by owner agency and status/ });
  await expect(bars).toBeHidden();
  await page.getByText('The plan in numbers: charts and counts').click();
  await expect(bars).toBeVisible();
  // One bar per owner agency of the demo plan, each with its number in the table.
  await expect(bars.locator('g')).toHaveCount(4);
  const counts = table(page, 'Actions by owner agency and status (every action that matches)');
  await expect(counts.locator('tbody tr')).toHaveCount(4);
  const police = counts.locator('tbody tr').filter({ hasText: 'POL' });
  // POL owns four demo actions (two from last year's Section 11); one of them is overdue.
  await expect(police.locator('td').last()).toHaveText('4');
  await expect(police.locator('td').nth(4)).toHaveText('1');
  const overdue = page.getByRole('img', { name: /Overdue actions at each month end/ });
  await expect(overdue).toBeVisible();
  const line = table(page, 'Overdue actions over time');
  await expect(line.locator('tbody tr')).toHaveCount(13);
  await expect(line.locator('tbody tr').last()).toContainText('Today');
  await expectAccessible(page);

  // Filter to the police, then print: the printable plan carries the filter.
  await page.locator('#plan-agency').selectOption({ label: 'POL – Northamptonshire Police' });
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await expect(page.getByText(/^4 actions match; 4 shown\.$/)).toBeVisible();
  await expect(counts.locator('tbody tr')).toHaveCount(1);
  await page.getByRole('link', { name: 'Printable plan (with the filters applied)' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Master action plan');
  await expect(page.getByText('Filtered: owner agency POL.')).toBeVisible();
  await expect(page.getByRole('heading', { level: 2, name: '4 actions' })).toBeVisible();
  await expect(table(page, 'SCR-2016-03: POL').locator('tbody tr')).toHaveCount(2);
  await expect(page.getByRole('button', { name: 'Print' })).toBeVisible();
  await expectAccessible(page);
});

test('an action owner finds the reminder the job left, opens the action and marks it read', async ({ page }) => {
  await signIn(page, 'police.lead@demo.example');
  const nav = page.getByRole('navigation', { name: 'Main' });
  // The reminder job runs every two seconds in these tests.
  await expect(async () => {
    await page.reload();
    await expect(nav.getByRole('link', { name: /Notifications \(\d+ unread\)/ })).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 20_000 });
  await nav.getByRole('link', { name: /Notifications/ }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Notifications');
  const reminders = table(page, 'Your notifications, newest first');
  const row = reminders.locator('tbody tr').filter({ hasText: 'SCR-2016-03/A1' });
  await expect(row).toContainText('Action overdue');
  await expectAccessible(page);
  await row.getByRole('button', { name: /^Mark as read\s*:\s*Action SCR-2016-03\/A1: / }).click();
  await expect(page.getByRole('status').filter({ hasText: /Action SCR-2016-03\/A1: .* is marked as read\./ })).toBeVisible();
  await expect(row).toContainText(/Read \d/);
  // The police lead's other notifications (the year's Section 11 assessment and QA impact
  // report) stay unread.
  await expect(nav.getByRole('link', { name: /Notifications \(2 unread\)/ })).toBeVisible();
  await page.getByLabel('Unread only').check();
  await expect(reminders.locator('tbody tr').filter({ hasText: 'Section 11' })).toHaveCount(1);
  await expect(reminders.locator('tbody tr').filter({ hasText: 'QA impact report' })).toHaveCount(1);
  await expect(reminders.locator('tbody tr').filter({ hasText: 'SCR-2016-03/A1' })).toHaveCount(0);
  await page.getByLabel('Unread only').uncheck();
  await reminders.getByRole('link', { name: /SCR-2016-03\/A1/ }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Action SCR-2016-03/A1');
});

test("the office makes an agency's API token, the agency's system uses it, and the office revokes it", async ({
  page,
  playwright,
}) => {
  await signIn(page, 'office@demo.example');
  await visit(page, '/agencies');
  await page.getByRole('link', { name: 'Northamptonshire Police' }).click();
  const section = page.getByRole('region', { name: 'API tokens' });
  await expect(section).toBeVisible();
  await expectAccessible(page);
  // Without a name: the problem shows on the field.
  await section.getByRole('button', { name: 'Create token' }).click();
  await expect(page.locator('#token-name-error')).toContainText('Name the token.');
  await expectAccessible(page);
  await section.getByLabel('Name').fill('Case management system');
  await section.getByRole('button', { name: 'Create token' }).click();
  const secret = (await section.locator('#token-secret').textContent())?.trim() ?? '';
  expect(secret.length).toBeGreaterThan(20);
  await expect(section.getByText('it will not be shown again')).toBeVisible();
  const row = table(page, 'Tokens').locator('tbody tr').filter({ hasText: 'Case management system' });
  await expect(row).toContainText('Active');
  await expectAccessible(page);

  // The agency's own system: reads its actions with the token, nothing more.
  const system = await playwright.request.newContext({ baseURL: BASE_URL });
  const auth = { authorization: `Bearer ${secret}` };
  const read = await graphql(system, '{ actions(first: 20) { nodes { reference ownerAgency { prefix } } } }', {}, auth);
  const prefixes = read.data.actions.nodes.map((n: { ownerAgency: { prefix: string } }) => n.ownerAgency.prefix);
  expect(prefixes.length).toBe(4);
  expect(new Set(prefixes)).toEqual(new Set(['POL']));
  const other = await graphql(system, '{ reviews { id } }', {}, auth);
  expect(other.errors[0].extensions.code).toBe('FORBIDDEN');

  // Revoking asks first, in the page: Cancel leaves the token working.
  await row.getByRole('button', { name: 'Revoke “Case management system”' }).click();
  const ask = section.getByRole('group', { name: 'Revoke the token “Case management system”?' });
  await expect(ask).toContainText('Systems using it stop working at once.');
  await expect(ask.getByRole('button', { name: 'Yes, revoke the token' })).toBeFocused();
  await expectAccessible(page);
  await ask.getByRole('button', { name: 'Cancel' }).click();
  await expect(ask).toHaveCount(0);
  await expect(row).toContainText('Active');
  const still = await graphql(system, '{ actions(first: 1) { totalCount } }', {}, auth);
  expect(still.errors).toBeUndefined();
  // Confirmed: revoked at once, said in plain words.
  await row.getByRole('button', { name: 'Revoke “Case management system”' }).click();
  await ask.getByRole('button', { name: 'Yes, revoke the token' }).click();
  await expect(
    page.getByRole('status').filter({
      hasText: 'Token “Case management system” revoked. Systems using it can no longer read or update this agency\'s actions.',
    }),
  ).toBeVisible();
  await expect(row).toContainText('Revoked');
  await expect(section.locator('#token-secret')).toHaveCount(0);
  const refused = await system.post('/graphql', {
    headers: { 'content-type': 'application/json', origin: BASE_URL, ...auth },
    data: { query: '{ actions(first: 1) { totalCount } }' },
  });
  const body = await refused.json();
  expect(body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  await system.dispose();
});
