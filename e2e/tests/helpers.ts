import AxeBuilder from '@axe-core/playwright';
import { APIRequestContext, expect, Locator, Page } from '@playwright/test';

export const PASSWORD = 'safeguarding-demo';
export const BASE_URL = 'http://127.0.0.1:8091';

/** Waits until no "Loading…" is left on the page. */
export async function settled(page: Page): Promise<void> {
  await expect(page.getByText('Loading…')).toHaveCount(0);
}

/** axe-core finds nothing on the page as it stands. */
export async function expectAccessible(page: Page): Promise<void> {
  await settled(page);
  const results = await new AxeBuilder({ page }).analyze();
  const summary = results.violations.map((v) => ({
    id: v.id,
    help: v.help,
    nodes: v.nodes.map((n) => n.target.join(' ')),
  }));
  expect(summary, `axe violations on ${page.url()}`).toEqual([]);
}

/** Opens a page of the app, waits for its data and checks it with axe, at the current width
 * and on a phone (see `expectAccessibleOnPhone`). */
export async function visit(page: Page, path: string): Promise<void> {
  await page.goto(path);
  await expect(page.locator('main h1')).toBeVisible();
  await expectAccessible(page);
  await expectAccessibleOnPhone(page);
}

/** The width of a phone held upright, in CSS pixels. */
export const PHONE_WIDTH = 390;

/** At a phone's width the page does not scroll sideways and axe finds nothing; then the
 * window goes back to the size it had. */
export async function expectAccessibleOnPhone(page: Page): Promise<void> {
  const before = page.viewportSize();
  if (before && before.width <= PHONE_WIDTH) {
    await expectFitsPhone(page);
    await expectAccessible(page);
    return;
  }
  await page.setViewportSize({ width: PHONE_WIDTH, height: 844 });
  try {
    await expectFitsPhone(page);
    await expectAccessible(page);
  } finally {
    if (before) await page.setViewportSize(before);
  }
}

/** The page is no wider than a phone: nothing needs sideways scrolling. */
export async function expectFitsPhone(page: Page): Promise<void> {
  await expect
    .poll(() => page.evaluate(() => document.documentElement.scrollWidth), {
      message: `page wider than ${PHONE_WIDTH} px on ${page.url()}`,
    })
    .toBeLessThanOrEqual(PHONE_WIDTH);
}

/** Signs in through the form and waits to land on the app. */
export async function signIn(page: Page, email: string): Promise<void> {
  await page.goto('/sign-in');
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  // On a phone "Sign out" is folded behind the header's "Menu" button.
  await expect(page.getByRole('button', { name: /^(Sign out|Menu)$/ }).first()).toBeVisible();
}

/** Opens the header's menu if it is folded (on a phone). */
export async function openMenu(page: Page): Promise<void> {
  const menu = page.getByRole('button', { name: 'Menu' });
  if ((await menu.isVisible()) && (await menu.getAttribute('aria-expanded')) !== 'true') {
    await menu.click();
  }
}

/** Signs out and waits for the sign-in page, so that the next step cannot cut the sign-out
 * request short (a navigation right after the click would cancel it). */
export async function signOut(page: Page): Promise<void> {
  await openMenu(page);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();
}

/** One part of a learning summary page, by its heading. */
export function summaryField(page: Page, label: RegExp) {
  return page.locator('section.summary-field').filter({ has: page.getByRole('heading', { level: 3, name: label }) });
}

/** Today (or a number of days from it) as YYYY-MM-DD. */
export function isoDate(daysFromToday = 0): string {
  const d = new Date();
  d.setDate(d.getDate() + daysFromToday);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** A GOV.UK date input: the group named by its legend, in a page or a part of one. */
export function dateGroup(scope: Page | Locator, legend: string): Locator {
  return scope.getByRole('group', { name: legend, exact: true });
}

/** Types a date into a date input's Day, Month and Year fields: a number of days from today
 * or a `YYYY-MM-DD` date (typed without leading zeros, as a person would). */
export async function fillDate(scope: Page | Locator, legend: string, date: number | string = 0): Promise<void> {
  const [year, month, day] = (typeof date === 'number' ? isoDate(date) : date).split('-');
  const group = dateGroup(scope, legend);
  await group.getByLabel('Day', { exact: true }).fill(String(Number(day)));
  await group.getByLabel('Month', { exact: true }).fill(String(Number(month)));
  await group.getByLabel('Year', { exact: true }).fill(year);
}

/** Checks that a date input shows a `YYYY-MM-DD` date. */
export async function expectDate(scope: Page | Locator, legend: string, date: string): Promise<void> {
  const [year, month, day] = date.split('-');
  const group = dateGroup(scope, legend);
  await expect(group.getByLabel('Day', { exact: true })).toHaveValue(String(Number(day)));
  await expect(group.getByLabel('Month', { exact: true })).toHaveValue(String(Number(month)));
  await expect(group.getByLabel('Year', { exact: true })).toHaveValue(year);
}

/** Posts one GraphQL operation the way the browser app does. */
export async function graphql(
  request: APIRequestContext,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<any> {
  const response = await request.post('/graphql', {
    headers: { 'content-type': 'application/json', origin: BASE_URL, ...headers },
    data: { query, variables },
  });
  expect(response.ok(), await response.text()).toBeTruthy();
  return response.json();
}

/** The id of a review, looked up as the business office through the API. */
export async function reviewId(request: APIRequestContext, reference: string): Promise<string> {
  await graphql(request, 'mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { id } }', {
    e: 'office@demo.example',
    p: PASSWORD,
  });
  const body = await graphql(request, '{ reviews { id reference } }');
  const review = body.data.reviews.find((r: { reference: string }) => r.reference === reference);
  expect(review, `demo review ${reference}`).toBeTruthy();
  return review.id;
}

/** The exact state-tag texts the app shows. */
export const STATE_TAGS = /^(Overdue|Due soon|Due|Awaiting|Met)$/;
export const UK_DATE = /\b\d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December) \d{4}\b/;
