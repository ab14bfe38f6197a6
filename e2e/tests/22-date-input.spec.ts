import { expect, test } from '@playwright/test';
import { dateGroup, expectAccessible, fillDate, reviewId, signIn, visit } from './helpers';

test('a date is typed as day, month and year: a date that does not exist or lacks a month is refused with the GOV.UK message on the right field', async ({
  page,
  request,
}) => {
  const id = await reviewId(request, 'SCR-2016-03');
  await signIn(page, 'office@demo.example');
  await visit(page, `/reviews/${id}`);
  await page.getByRole('link', { name: 'Open the learning and actions' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Learning and actions: SCR-2016-03');

  await page.getByRole('button', { name: 'Add an action to recommendation 1.1' }).click();
  const add = page.getByRole('form', { name: 'Add an action' });
  await add.getByLabel('Action', { exact: true }).fill('Audit the front door log every month');
  await add.getByLabel('Owner agency').selectOption({ label: 'CSC – Northamptonshire Children, Families and Education Directorate' });
  const target = dateGroup(add, 'Target date');
  await expect(target).toContainText('For example, 27 3 2025');
  const day = target.getByLabel('Day', { exact: true });
  const month = target.getByLabel('Month', { exact: true });
  const year = target.getByLabel('Year', { exact: true });

  // 31 February does not exist: the summary says so and its link leads to the day field.
  await day.fill('31');
  await month.fill('2');
  await year.fill('2025');
  await add.getByRole('button', { name: 'Add action' }).click();
  const summary = add.getByRole('alert').filter({ hasText: 'There is a problem' });
  await expect(summary).toBeFocused();
  const link = summary.getByRole('link', { name: 'Target date must be a real date' });
  await expect(link).toHaveAttribute('href', '#action-target-day');
  await expect(target.locator('#action-target-error')).toHaveText('Error: Target date must be a real date');
  await expect(target).toHaveAttribute('aria-describedby', /action-target-error/);
  for (const field of [day, month, year]) await expect(field).toHaveAttribute('aria-invalid', 'true');
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await expectAccessible(page);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  await link.click();
  await expect(day).toBeFocused();

  // A day and a year but no month: only the month is highlighted.
  await day.fill(' 03 ');
  await month.fill('');
  await year.fill('2030');
  await add.getByRole('button', { name: 'Add action' }).click();
  await expect(summary.getByRole('link', { name: 'Target date must include a month' })).toBeVisible();
  await expect(target.locator('#action-target-error')).toHaveText('Error: Target date must include a month');
  await expect(month).toHaveAttribute('aria-invalid', 'true');
  await expect(day).not.toHaveAttribute('aria-invalid', 'true');
  await expect(year).not.toHaveAttribute('aria-invalid', 'true');
  await expectAccessible(page);

  // Letters are not a date either; a two-number year needs 4.
  await month.fill('March');
  await add.getByRole('button', { name: 'Add action' }).click();
  await expect(summary.getByRole('link', { name: 'Target date must be a real date' })).toBeVisible();
  await month.fill('3');
  await year.fill('30');
  await add.getByRole('button', { name: 'Add action' }).click();
  await expect(summary.getByRole('link', { name: 'Target date must have a year with 4 numbers' })).toBeVisible();
  await expect(year).toHaveAttribute('aria-invalid', 'true');
  await expect(day).not.toHaveAttribute('aria-invalid', 'true');

  // Corrected, it saves.
  await fillDate(add, 'Target date', 60);
  await add.getByRole('button', { name: 'Add action' }).click();
  await expect(page.getByRole('status').filter({ hasText: /Action SCR-2016-03\/A\d+ added\./ })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Target date must be a real date' })).toHaveCount(0);
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await expectAccessible(page);
  }
});

test('a date filter applies once its date is whole and real, and goes when its three fields are cleared', async ({ page, request }) => {
  const id = await reviewId(request, 'SCR-2016-03');
  await signIn(page, 'reviewer@demo.example');
  await visit(page, `/reviews/${id}/chronology`);
  const count = page.locator('#integrated-count');
  const all = (await count.innerText()).trim();
  const from = dateGroup(page, 'From');
  const [day, month, year] = ['Day', 'Month', 'Year'].map((name) => from.getByLabel(name, { exact: true }));

  // Not yet a date (no year, then a year of 2 numbers): nothing is filtered.
  await day.fill('1');
  await month.fill('1');
  await year.fill('21');
  await page.waitForTimeout(300);
  await expect(page).not.toHaveURL(/from=/);
  await expect(count).toHaveText(all);

  // A whole, real date filters at once.
  await year.fill('2100');
  await expect(page).toHaveURL(/[?&]from=2100-01-01/);
  await expect(count).not.toHaveText(all);

  // A date made wrong keeps the last one applied; clearing all three removes the filter.
  await month.fill('13');
  await page.waitForTimeout(300);
  await expect(page).toHaveURL(/[?&]from=2100-01-01/);
  for (const field of [day, month, year]) await field.fill('');
  await expect(page).not.toHaveURL(/from=/);
  await expect(count).toHaveText(all);
  await expectAccessible(page);
});
