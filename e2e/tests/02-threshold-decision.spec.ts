import { expect, test } from '@playwright/test';
import { expectAccessible, isoDate, signIn, visit } from './helpers';

test('the independent chair records a threshold decision with its justification', async ({ page }) => {
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
  await page.getByLabel('Date of the decision').fill(isoDate());
  await page.getByRole('button', { name: 'Record decision' }).click();
  const summary = page.getByRole('alert');
  await expect(summary).toContainText('There is a problem');
  await expect(summary.getByRole('link', { name: /Justification/ })).toBeVisible();
  await expect(page.locator('#justification-error')).toBeVisible();
  await expectAccessible(page);

  const justification = 'Serious harm to the child and concerns about how agencies worked together.';
  await page.getByLabel('Justification').fill(justification);
  await page.getByRole('button', { name: 'Record decision' }).click();

  await expect(page).toHaveURL(/\/reviews\/[^/]+$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('RR-2026-01');
  const decision = page.locator('dl').filter({ hasText: 'Justification' });
  await expect(decision).toContainText('Initiate a review');
  await expect(decision).toContainText(justification);
  await expectAccessible(page);
});
