import { expect, test } from '@playwright/test';
import { expectAccessible, fillDate, graphql, reviewId, signIn, signOut, visit } from './helpers';

test('the independent chair records a threshold decision with its justification', async ({ page, request }) => {
  const id = await reviewId(request, 'RR-2026-01');
  const recorded = async () =>
    (await graphql(request, 'query($id: ID!) { review(id: $id) { decision } }', { id })).data.review.decision;
  expect(await recorded()).toBeNull();
  await signIn(page, 'chair@demo.example');
  await visit(page, '/reviews');
  await page.getByRole('link', { name: 'RR-2026-01' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('RR-2026-01');
  await expectAccessible(page);

  await page.getByRole('link', { name: 'Record threshold decision' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Record threshold decision');
  await expectAccessible(page);

  // An empty justification is refused, whatever the decision.
  await page.getByLabel('Initiate a review', { exact: true }).check();
  await page.getByLabel('Justification').fill('');
  await fillDate(page, 'Date of the decision');
  await page.getByRole('button', { name: 'Continue' }).click();
  const summary = page.getByRole('alert');
  await expect(summary).toContainText('There is a problem');
  await expect(summary.getByRole('link', { name: /justification/i })).toBeVisible();
  await expect(page.locator('#justification-error')).toBeVisible();
  await expectAccessible(page);

  // Check your answers, then a question: Cancel goes back to the form and records nothing.
  const justification = 'Serious harm to the child and concerns about how agencies worked together.';
  await page.getByLabel('Justification').fill(justification);
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Check your answers' })).toBeVisible();
  const answers = page.locator('dl.summary-list');
  await expect(answers).toContainText('Initiate a review');
  await expect(answers).toContainText(justification);
  const ask = page.getByRole('group', { name: 'Record this threshold decision?' });
  await expect(ask.getByRole('button', { name: 'Yes, record the decision' })).toBeFocused();
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await expectAccessible(page);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  await ask.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByLabel('Justification')).toHaveValue(justification);
  expect(await recorded()).toBeNull();

  // A change from the answers goes back to its field.
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('button', { name: 'Change the justification' }).click();
  await expect(page.getByLabel('Justification')).toBeFocused();

  // Confirmed: recorded, and said in plain words.
  await page.getByRole('button', { name: 'Continue' }).click();
  await ask.getByRole('button', { name: 'Yes, record the decision' }).click();
  const panel = page.locator('.panel-confirmation');
  await expect(panel.getByRole('heading', { name: 'Threshold decision recorded' })).toBeFocused();
  await expect(panel).toContainText('Initiate a review');
  await expect(page.getByText("A review is initiated. Next, tell the national panel of the decision from the review's page.")).toBeVisible();
  expect(await recorded()).toBe('INITIATE');
  await expectAccessible(page);

  await page.getByRole('link', { name: 'Back to the review' }).click();
  await expect(page).toHaveURL(/\/reviews\/[^/]+$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('RR-2026-01');
  const decision = page.locator('dl').filter({ hasText: 'Justification' });
  await expect(decision).toContainText('Initiate a review');
  await expect(decision).toContainText(justification);
  await expectAccessible(page);

  // The office records that the panel was told: said in plain words, and it stays on the
  // page after the review is read again.
  await signOut(page);
  await signIn(page, 'office@demo.example');
  await visit(page, `/reviews/${id}`);
  await fillDate(page, 'Date the panel was told');
  await page.getByRole('button', { name: 'Record panel notification' }).click();
  await expect(
    page.getByRole('status').filter({ hasText: /^Panel notification recorded\. The national panel was told on \d{1,2} \w+ \d{4}\.$/ }),
  ).toBeVisible();
  await expect(page.locator('dl').filter({ hasText: 'Panel told on' })).toBeVisible();
  await expectAccessible(page);
});
