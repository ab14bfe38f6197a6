import { Browser, expect, Page, test } from '@playwright/test';
import { expectAccessible, fillDate, graphql, isoDate, reviewId, signIn, visit } from './helpers';

async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();
}

/** "26 November 2026" for a `YYYY-MM-DD` date, as the app writes it. */
function ukDate(iso: string): string {
  const months = [
    'January', 'February', 'March', 'April', 'May', 'June',
    'July', 'August', 'September', 'October', 'November', 'December',
  ];
  const [y, m, d] = iso.split('-').map(Number);
  return `${d} ${months[m - 1]} ${y}`;
}

/** The table whose caption says `caption`. */
function table(page: Page, caption: string | RegExp) {
  return page.locator('table').filter({ has: page.locator('caption', { hasText: caption }) });
}

test('the police representative updates an action by keyboard alone; the office finds it, overdue, in the master action plan', async ({
  page,
}) => {
  // What the police owe, overdue first.
  await signIn(page, 'police.rep@demo.example');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Actions' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Actions');
  await expect(page.getByRole('heading', { level: 2, name: 'What your agency owes' })).toBeVisible();
  await expectAccessible(page);
  const owed = table(page, /^\d+ actions?$/);
  await expect(owed.locator('tbody tr')).toHaveCount(2);
  const first = owed.locator('tbody tr').first();
  await expect(first).toContainText('SCR-2016-03/A1');
  await expect(first).toContainText('Overdue');
  await expect(first).toContainText('Not started');
  await expect(first).toContainText('Red');
  await expect(page.getByRole('heading', { name: 'Master action plan' })).toHaveCount(0);

  // A progress update without touching the mouse: Enter opens the form, Tab moves on,
  // arrows choose the status, Enter saves.
  await first.getByRole('button', { name: 'Add an update to SCR-2016-03/A1' }).focus();
  await page.keyboard.press('Enter');
  const form = page.getByRole('form', { name: 'Progress update on SCR-2016-03/A1' });
  await expect(form.getByLabel('What was done')).toBeFocused();
  await page.keyboard.type('Notifications now reach the front door the same day; the first month was checked.');
  await page.keyboard.press('Tab');
  await expect(form.getByLabel('No change: Not started')).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(form.getByLabel('In progress')).toBeChecked();
  await expectAccessible(page);
  await page.keyboard.press('Tab');
  await expect(form.getByRole('button', { name: 'Add update' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('status').filter({ hasText: 'Update added to SCR-2016-03/A1.' })).toBeVisible();
  await expect(form).toHaveCount(0);
  await expect(first).toContainText('In progress');
  await expect(first).toContainText('Overdue');
  await expectAccessible(page);

  // The update is on the action's page, newest first, and in its history.
  await first.getByRole('link', { name: 'SCR-2016-03/A1' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Action SCR-2016-03/A1');
  await expect(page.getByText('the first month was checked.')).toBeVisible();
  await expect(page.getByText(/Version 2: Progress update by Paul Police/)).toBeVisible();
  await expectAccessible(page);
  await signOut(page);

  // The office: the master plan, filtered to overdue, shows the update and what changed today.
  await signIn(page, 'office@demo.example');
  await visit(page, '/actions');
  await expect(page.getByRole('heading', { level: 2, name: 'Master action plan' })).toBeVisible();
  await expect(page.getByText(/^7 actions match; 7 shown\.$/)).toBeVisible();
  await expect(table(page, /^Actions by owner agency and status/)).toContainText('POL');
  await expect(page.getByRole('heading', { level: 3, name: 'SCR-2016-03' })).toBeVisible();
  await page.getByLabel('Overdue only').check();
  await fillDate(page, 'Changed since', 0);
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await expect(page.getByText(/^1 action matches; 1 shown\.$/)).toBeVisible();
  const police = table(page, 'SCR-2016-03: POL');
  await expect(police.locator('tbody tr')).toHaveCount(1);
  await expect(police).toContainText('SCR-2016-03/A1');
  await expect(police).toContainText('In progress');
  await expect(police).toContainText(`Changed since ${ukDate(isoDate(0))}`);
  // Its latest update under its title, and the actions before the numbers, folded away.
  await expect(police.locator('.latest-update')).toHaveText(
    `Latest update, ${ukDate(isoDate(0))}, Paul Police (POL): Notifications now reach the front door the same day; the first month was checked.`,
  );
  const numbers = page.locator('details.plan-numbers');
  await expect(numbers).not.toHaveAttribute('open');
  expect((await police.boundingBox())!.y).toBeLessThan((await numbers.boundingBox())!.y);
  await expectAccessible(page);
  // The printable plan carries it too.
  const printable = await page.getByRole('link', { name: 'Printable plan (with the filters applied)' }).getAttribute('href');
  const print = await page.context().newPage();
  await print.goto(printable!);
  await expect(table(print, 'SCR-2016-03: POL').locator('.latest-update')).toContainText('the first month was checked.');
  await print.close();

  await police.getByRole('link', { name: 'SCR-2016-03/A1' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Action SCR-2016-03/A1');
  await expect(page.getByText('the first month was checked.')).toBeVisible();
  await expectAccessible(page);

  // The RAG by hand needs a reason: the server's problem shows on the field.
  const rag = page.getByRole('form', { name: 'Set the RAG by hand' });
  await rag.getByLabel('Amber').check();
  await rag.getByRole('button', { name: 'Save the RAG' }).click();
  await expect(page.locator('#rag-reason-error')).toBeVisible();
  await expectAccessible(page);
  await rag.getByLabel('Reason').fill('Agreed at the accountability meeting: the new route is working.');
  await rag.getByRole('button', { name: 'Save the RAG' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'RAG saved.' })).toBeVisible();
  await expect(page.getByText(/Set by hand: Agreed at the accountability meeting/)).toBeVisible();
});

test('the office writes learning and actions: server problems show on their fields, a stale edit shows both versions', async ({
  page,
  request,
}) => {
  const id = await reviewId(request, 'SCR-2016-03');
  await signIn(page, 'office@demo.example');
  await visit(page, `/reviews/${id}`);
  await page.getByRole('link', { name: 'Open the learning and actions' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Learning and actions: SCR-2016-03');
  await expect(
    page.getByRole('heading', { level: 2, name: "Domestic abuse information shared by police did not reach social care's assessment" }),
  ).toBeVisible();
  await expect(page.getByText('2 entries')).toBeVisible();
  await expect(table(page, 'Actions for recommendation 1.1')).toContainText('SCR-2016-03/A2');
  await expectAccessible(page);

  // An action whose target date has passed needs a reason: shown on that field.
  await page.getByRole('button', { name: 'Add an action to recommendation 1.1' }).click();
  const add = page.getByRole('form', { name: 'Add an action' });
  await expect(add.getByLabel('Action', { exact: true })).toBeFocused();
  await add.getByLabel('Action', { exact: true }).fill('Train front door staff to log notifications on receipt');
  await add.getByLabel('Owner agency').selectOption({ label: 'CSC – Northamptonshire Children, Families and Education Directorate' });
  // The owner person is found by typing, among the owner agency's people only.
  const owner = add.getByLabel('Owner person (optional)');
  await owner.fill('paul');
  await expect(add.locator('#action-person-status')).toHaveText('No one matches.');
  await owner.fill('rit');
  await expect(add.locator('#action-person-status')).toHaveText('1 person matches.');
  await owner.press('Enter');
  await expect(add.locator('#action-person-chosen')).toContainText('Owner person: Rita Reviewer');
  await expect(owner).toHaveValue('');
  await fillDate(add, 'Target date', -3);
  await add.getByRole('button', { name: 'Add action' }).click();
  await expect(add.getByRole('alert').filter({ hasText: 'There is a problem' })).toBeVisible();
  await expect(page.locator('#action-reason-error')).toBeVisible();
  await expectAccessible(page);
  await add.getByLabel('Why the target date has already passed').fill('Agreed at the review panel before it was recorded.');
  await add.getByRole('button', { name: 'Add action' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Action SCR-2016-03/A6 added.' })).toBeVisible();
  await expect(table(page, 'Actions for recommendation 1.1')).toContainText('SCR-2016-03/A6');

  // A learning point with nothing typed: every problem on its field.
  const point = page.getByRole('form', { name: 'Add a learning point' });
  await point.getByLabel('Multi-agency').check();
  await point.getByRole('button', { name: 'Add learning point' }).click();
  await expect(page.locator('#lp-title-error')).toBeVisible();
  await expect(page.locator('#lp-kind-error')).toBeVisible();
  await expectAccessible(page);
  await point.getByLabel('Title', { exact: true }).fill('Missed health visitor appointments were not followed up');
  await point.getByLabel('What was learnt').fill('Two missed appointments were not shared with the GP or social care.');
  await point.getByLabel('Needs improvement').check();
  await point.getByLabel('Themes').fill('Neglect, Missed appointments');
  await point.getByRole('button', { name: 'Add learning point' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Learning point “Missed health visitor appointments were not followed up” added.' })).toBeVisible();
  await expect(page.getByRole('heading', { level: 2, name: 'Missed health visitor appointments were not followed up' })).toBeFocused();

  // Referred to a committee, and listed there.
  await page.getByLabel('Refer to a committee').last().selectOption({ label: 'Quality and Audit' });
  await page.getByRole('button', { name: 'Refer learning point 3' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Referred to Quality and Audit.' })).toBeVisible();
  await visit(page, '/committees');
  await expect(table(page, 'Committees of the partnership').locator('tr', { hasText: 'Case Review sub-group' })).toContainText('1');
  await page.getByRole('link', { name: 'Quality and Audit' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Quality and Audit');
  await expect(page.getByRole('link', { name: 'Missed health visitor appointments were not followed up' })).toBeVisible();
  await expectAccessible(page);
  await visit(page, '/committees');
  await page.getByRole('link', { name: 'Case Review sub-group' }).click();
  await expect(table(page, 'Actions referred')).toContainText('SCR-2016-03/A2');
  await expectAccessible(page);

  // Editing an action someone else saved meanwhile: both versions, then mine kept.
  await table(page, 'Actions referred').getByRole('link', { name: 'SCR-2016-03/A2' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Action SCR-2016-03/A2');
  const actionId = page.url().split('/').pop() as string;
  await page.getByRole('button', { name: 'Edit the action' }).click();
  const edit = page.getByRole('form', { name: 'Edit the action' });
  await edit.getByLabel('How impact will be audited').fill('Audit of every notification received in one month.');

  const before = await graphql(request, 'query($id: ID!) { action(id: $id) { version title ownerAgency { id } targetDate } }', { id: actionId });
  const a = before.data.action;
  const saved = await graphql(
    request,
    'mutation($id: ID!, $v: Int!, $i: ActionInput!) { updateAction(id: $id, version: $v, input: $i) { version } }',
    { id: actionId, v: a.version, i: { title: a.title, ownerAgencyId: a.ownerAgency.id, targetDate: a.targetDate, impactAudit: 'Checked by the Case Review sub-group.' } },
  );
  expect(saved.errors).toBeUndefined();

  await edit.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByRole('heading', { name: 'Someone else saved this action while you were editing it' })).toBeFocused();
  await expect(edit.getByText('Checked by the Case Review sub-group.')).toBeVisible();
  await expect(edit.getByText('Audit of every notification received in one month.').first()).toBeVisible();
  await expectAccessible(page);
  await edit.getByRole('button', { name: 'Keep my version' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Action saved.' })).toBeVisible();
  await expect(page.locator('dl').first()).toContainText('Audit of every notification received in one month.');
  await expect(page.getByText(/Version 5: Edited by Olivia Office/)).toBeVisible();
});

test("the police agency lead follows every police action, also of reviews they are not on", async ({ page }) => {
  await signIn(page, 'police.lead@demo.example');
  await visit(page, '/actions');
  const owed = table(page, /^\d+ actions?$/);
  // Two of a case review, two from last year's Section 11 self-assessment.
  await expect(owed.locator('tbody tr')).toHaveCount(4);
  await expect(owed).toContainText(`S11-${new Date().getFullYear() - 1}/A2`);
  await expect(owed).toContainText('SCR-2016-03/A3');
  await owed.getByRole('link', { name: 'SCR-2016-03/A3' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Action SCR-2016-03/A3');
  await expect(page.getByText('Briefing written')).toBeVisible();
  await expect(page.getByRole('form', { name: 'Progress update on SCR-2016-03/A3' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Edit the action' })).toHaveCount(0);
  await expectAccessible(page);
});

/** A page of its own browser context (its own session), signed in as `email`. */
async function signedIn(browser: Browser, email: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, email);
  return page;
}

test('an agency representative updates an action by keyboard alone and the business office sees it in the master plan live', async ({
  browser,
}) => {
  // The office has the master plan open, subscribed to action changes.
  const office = await signedIn(browser, 'office@demo.example');
  let subscribed = false;
  office.on('websocket', (ws) =>
    ws.on('framesent', (frame) => {
      if (String(frame.payload).includes('actionChanged')) subscribed = true;
    }),
  );
  await visit(office, '/actions');
  await expect(office.getByRole('heading', { level: 2, name: 'Master action plan' })).toBeVisible();
  const planned = table(office, 'SCR-2016-03: POL').locator('tr', { hasText: 'SCR-2016-03/A3' });
  await expect(planned).toContainText('In progress');
  await expect.poll(() => subscribed).toBe(true);

  // Meanwhile, in another browser, the police representative reports progress by keyboard.
  const rep = await signedIn(browser, 'police.rep@demo.example');
  await visit(rep, '/actions');
  const owed = table(rep, /^\d+ actions?$/).locator('tr', { hasText: 'SCR-2016-03/A3' });
  await owed.getByRole('button', { name: 'Add an update to SCR-2016-03/A3' }).focus();
  await rep.keyboard.press('Enter');
  const form = rep.getByRole('form', { name: 'Progress update on SCR-2016-03/A3' });
  await expect(form.getByLabel('What was done')).toBeFocused();
  await rep.keyboard.type('All public protection officers have now been briefed.');
  await rep.keyboard.press('Tab');
  await expect(form.getByLabel('No change: In progress')).toBeFocused();
  await rep.keyboard.press('ArrowDown');
  await expect(form.getByLabel('Completed')).toBeChecked();
  await rep.keyboard.press('Tab');
  await expect(form.getByRole('button', { name: 'Add update' })).toBeFocused();
  await rep.keyboard.press('Enter');
  await expect(rep.getByRole('status').filter({ hasText: 'Update added to SCR-2016-03/A3.' })).toBeVisible();

  // The office's plan shows the new status without reloading.
  await expect(planned).toContainText('Completed');
  await expect(planned).not.toContainText('In progress');
  await expectAccessible(office);
  await office.context().close();
  await rep.context().close();
});
