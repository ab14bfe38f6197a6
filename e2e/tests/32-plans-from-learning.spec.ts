import { expect, test } from '@playwright/test';
import { expectAccessible, expectAccessibleOnPhone, fillDate, signIn, signOut, visit } from './helpers';

const HOT_SPOT = "Re-referrals to children's social care within 12 months";
const YEAR = new Date().getFullYear();
// Child death reporting years run from 1 April.
const today = new Date();
const REPORTING_YEAR = today.getMonth() < 3 ? today.getFullYear() - 1 : today.getFullYear();

test('the office turns a hot spot into an action in one step, and it is in the action plan', async ({ page }) => {
  await signIn(page, 'office@demo.example');
  await visit(page, '/performance');
  await page.getByRole('table', { name: 'Indicators, hot spots first' }).getByRole('link', { name: HOT_SPOT }).click();
  await expect(page.getByRole('heading', { level: 1, name: HOT_SPOT })).toBeVisible();
  const section = page.getByRole('region', { name: 'Actions from this hot spot' });
  await expect(section).toContainText('No actions are planned from this indicator yet.');
  const form = section.getByRole('form', { name: 'Plan an action from this hot spot' });
  // The owner agency starts as the indicator's own.
  await expect(form.getByLabel('Owner agency')).not.toHaveValue('');

  // The missing date is refused in the browser, before anything is sent.
  const TITLE = 'Audit ten re-referrals to find what the first assessment missed';
  await form.getByLabel('Action', { exact: true }).fill(TITLE);
  await form.getByRole('button', { name: 'Plan the action' }).click();
  await expect(form.getByRole('alert')).toContainText('Enter the target date');
  await expectAccessible(page);

  await fillDate(form, 'Target date', 90);
  await form.getByRole('button', { name: 'Plan the action' }).click();
  await expect(page.getByRole('status').filter({ hasText: `Planned PI-${YEAR}/A1` })).toBeVisible();
  const link = section.getByRole('link', { name: `PI-${YEAR}/A1: ${TITLE}` });
  await expect(link).toBeVisible();
  await expectAccessible(page);
  await expectAccessibleOnPhone(page);

  // The action's own page says where it comes from.
  await link.click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Action PI-${YEAR}/A1`);
  await expect(page.getByText(TITLE).first()).toBeVisible();
  await expect(page.getByText(`Performance dataset ${YEAR}: ${HOT_SPOT} (hot spot)`).first()).toBeVisible();
  await expectAccessible(page);

  // The plan names no agencies, so its learning page offers every agency for a new action.
  await page.getByRole('link', { name: `Learning and actions of PI-${YEAR}` }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Learning and actions: PI-${YEAR}`);
  await page.getByRole('button', { name: 'Add an action to recommendation 1' }).click();
  const add = page.getByRole('form', { name: 'Add an action' });
  await add.getByLabel('Action', { exact: true }).fill('Brief the front door team on what the audit found');
  await add.getByLabel('Owner agency').selectOption({ label: 'POL – Northamptonshire Police' });
  await fillDate(add, 'Target date', 60);
  await add.getByRole('button', { name: 'Add action' }).click();
  await expect(page.getByRole('status').filter({ hasText: `Action PI-${YEAR}/A2 added.` })).toBeVisible();
  await expectAccessible(page);
});

test('the office plans an action from a reviewed death\'s learning; the chair reads it', async ({ page }) => {
  await signIn(page, 'office@demo.example');
  await visit(page, '/child-deaths');
  const records = page.getByRole('table', { name: 'Reviewed deaths, latest panel first' });
  const plan = records.getByRole('button', { name: /^Plan an action from the learning of / }).first();
  const name = (await plan.textContent()) ?? '';
  const CASE = name.replace(/^Plan an action\s*from the learning of /, '').trim();
  await plan.click();
  const heading = page.getByRole('heading', { name: `Plan an action from the learning of ${CASE}` });
  await expect(heading).toBeFocused();
  const form = page.getByRole('form', { name: `Plan an action from the learning of ${CASE}` });

  // No owner agency chosen: refused in the browser.
  const TITLE = 'Repeat safer sleep advice at every health visitor contact';
  await form.getByLabel('Action', { exact: true }).fill(TITLE);
  await fillDate(form, 'Target date', 120);
  await form.getByRole('button', { name: 'Plan the action' }).click();
  await expect(form.getByRole('alert')).toContainText('Choose the agency that owns the action');
  await expectAccessible(page);

  await form.getByLabel('Owner agency').selectOption({ index: 1 });
  await form.getByRole('button', { name: 'Plan the action' }).click();
  await expect(page.getByRole('status').filter({ hasText: `Planned CDOP-${REPORTING_YEAR}/A1` })).toBeVisible();
  await expect(form).toHaveCount(0);
  const row = records.getByRole('row', { name: new RegExp(CASE) });
  await expect(row.getByRole('link', { name: `CDOP-${REPORTING_YEAR}/A1: ${TITLE}` })).toBeVisible();
  await expectAccessible(page);
  await expectAccessibleOnPhone(page);
  await signOut(page);

  // The chair reads the action beside the record, and plans nothing.
  await signIn(page, 'chair@demo.example');
  await visit(page, '/child-deaths');
  await expect(records.getByRole('row', { name: new RegExp(CASE) }).getByRole('link', { name: `CDOP-${REPORTING_YEAR}/A1: ${TITLE}` })).toBeVisible();
  await expect(records.getByRole('button', { name: /Plan an action/ })).toHaveCount(0);
  await expectAccessible(page);
});

test("the police lead records its own indicator's value, and reads but records nothing of another agency's", async ({ page }) => {
  const POLICE = 'Strategy discussions within one working day of a police referral';
  await signIn(page, 'police.lead@demo.example');
  await visit(page, '/performance');
  const table = page.getByRole('table', { name: 'Indicators, hot spots first' });
  await table.getByRole('link', { name: POLICE }).click();
  await expect(page.getByRole('heading', { level: 1, name: POLICE })).toBeVisible();
  const values = page.getByRole('table', { name: 'Values, newest first' });
  await expect(values.locator('tbody tr')).toHaveCount(24);
  const period = page.getByLabel('Period');
  await expect(period).not.toHaveValue('');
  const next = await period.inputValue();
  await page.getByLabel('Value', { exact: true }).fill('83.5');
  await page.getByRole('button', { name: 'Record value' }).click();
  await expect(page.getByRole('status').filter({ hasText: `Recorded the value for ${next}.` })).toBeVisible();
  await expect(values.locator('tbody tr')).toHaveCount(25);
  await expect(values.locator('tbody tr').first()).toContainText('83.5%');
  await expectAccessible(page);
  await expectAccessibleOnPhone(page);

  // Children's social care's hot spot: read, with no form, and none of its actions, which
  // are another agency's.
  await visit(page, '/performance');
  await table.getByRole('link', { name: HOT_SPOT }).click();
  await expect(page.getByRole('heading', { level: 1, name: HOT_SPOT })).toBeVisible();
  await expect(page.getByRole('img', { name: /XmR chart of Re-referrals/ })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Record value' })).toHaveCount(0);
  await expect(page.getByRole('region', { name: 'Actions from this hot spot' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Plan the action' })).toHaveCount(0);
});
