import { expect, Page, test } from '@playwright/test';
import { expectAccessible, expectAccessibleOnPhone, graphql, PASSWORD, signIn, signOut } from './helpers';

/** The home page's "The partnership at a glance" section. */
function glance(page: Page) {
  return page.getByRole('region', { name: 'The partnership at a glance' });
}

/** The figure a row of the glance gives (its term's first definition). */
function figure(page: Page, term: string | RegExp) {
  return glance(page).locator('dt').filter({ hasText: term }).locator('xpath=following-sibling::dd[1]');
}

test('the chair sees the partnership at a glance, each figure as the page it summarises has it', async ({ page, request }) => {
  // The same figures through the API, as the office.
  await graphql(request, 'mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { id } }', {
    e: 'office@demo.example',
    p: PASSWORD,
  });
  const api = await graphql(
    request,
    `{ overdue: actions(filter: { overdue: true }, first: 1) { totalCount }
       reviews { nextMilestone { state } }
       partnershipAtAGlance { section11 { year asked accepted } qaReports { year asked accepted } childDeaths { reviewed } training { eventsHeld attended } } }`,
  );
  const overdueActions: number = api.data.overdue.totalCount;
  const inProgress = api.data.reviews.filter((r: { nextMilestone: unknown }) => r.nextMilestone !== null).length;
  expect(overdueActions).toBeGreaterThan(0);
  const s11 = api.data.partnershipAtAGlance.section11;

  await signIn(page, 'chair@demo.example');
  await expect(glance(page)).toBeVisible();
  await expect(figure(page, 'Reviews in progress')).toHaveText(`${inProgress} reviews`);
  await expect(figure(page, 'Actions')).toContainText(`${overdueActions} overdue`);
  await expect(figure(page, `Section 11, ${s11.year}`)).toContainText(`${s11.accepted} of ${s11.asked} accepted`);
  const qa = api.data.partnershipAtAGlance.qaReports;
  await expect(figure(page, `QA impact reports, ${qa.year}`)).toContainText(`${qa.accepted} of ${qa.asked} accepted`);
  await expect(figure(page, /^Child deaths, April \d{4} to March \d{4}$/)).toContainText(
    `${api.data.partnershipAtAGlance.childDeaths.reviewed} reviewed`,
  );
  const training = api.data.partnershipAtAGlance.training;
  await expect(figure(page, 'Learning events this quarter')).toContainText(
    `${training.eventsHeld === 1 ? '1 event' : `${training.eventsHeld} events`} held since`,
  );
  await expect(figure(page, 'Learning events this quarter')).toContainText(`reaching ${training.attended} attendances`);
  await expect(figure(page, 'Statutory deadlines')).toContainText(/\d+ overdue, \d+ due soon/);

  // What is overdue across the partnership, whoever it is for: every item tagged overdue.
  const overdue = glance(page).getByRole('listitem').filter({ has: page.locator('.tag') });
  await expect(overdue.first()).toBeVisible();
  const count = await overdue.count();
  expect(count).toBeGreaterThan(0);
  expect(count).toBeLessThanOrEqual(20);
  for (let i = 0; i < count; i++) {
    await expect(overdue.nth(i).locator('.tag')).toHaveText(/overdue$/);
  }
  await expect(glance(page).getByText(/\d+ things? (is|are) overdue/)).toBeVisible();
  await expectAccessible(page);
  await expectAccessibleOnPhone(page);

  // A hot spot opens its indicator's chart.
  const hotSpot = figure(page, 'Performance hot spots').getByRole('link').first();
  const name = ((await hotSpot.textContent()) ?? '').split(':')[0];
  expect(name.length).toBeGreaterThan(0);
  await hotSpot.click();
  await expect(page).toHaveURL(/\/performance\/[^/]+$/);
  await expect(page.getByRole('heading', { level: 1 })).toContainText(name);
  await signOut(page);
});

test('only the board sees the partnership at a glance', async ({ page }) => {
  await signIn(page, 'police.lead@demo.example');
  await expect(page.getByRole('region', { name: 'What needs you' })).toBeVisible();
  await expect(glance(page)).toHaveCount(0);
  await signOut(page);
  await signIn(page, 'office@demo.example');
  await expect(glance(page)).toBeVisible();
  await expect(figure(page, 'Actions')).toContainText(/\d+ open: \d+ overdue, \d+ due soon/);
});
