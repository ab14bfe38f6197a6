import { expect, Page, test } from '@playwright/test';
import { expectAccessible, expectAccessibleOnPhone, fillDate, isoDate, signIn, signOut, visit } from './helpers';

async function bothWidths(page: Page) {
  await expectAccessible(page);
  await expectAccessibleOnPhone(page);
}

test('the office records a workshop that carried a review\'s learning, a practitioner gives feedback, the chair reads the comment, and the review shows where its learning went', async ({
  page,
}) => {
  const TITLE = `Escalation workshop ${Date.now()}`;
  await signIn(page, 'office@demo.example');
  await visit(page, '/learning-events');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Training and learning events');
  const planned = page.getByRole('table', { name: 'Planned events, latest first' });
  await expect(planned.getByRole('row', { name: /Bruising in babies/ })).toContainText('Planned');
  const held = page.getByRole('table', { name: 'Events held, latest first' });
  await expect(held.getByRole('row', { name: /Annual safeguarding conference/ })).toContainText('151');
  await bothWidths(page);

  await page.getByRole('link', { name: 'Record a learning event' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Record a learning event');
  await page.getByLabel('Title').fill(TITLE);
  await page.getByLabel('Kind of event').selectOption({ label: 'Workshop' });
  await fillDate(page, 'Date', isoDate(-3));
  await page.getByLabel('Audience').fill('Police officers and children\'s social workers');
  await page.getByRole('checkbox', { name: /SCR-2016-03/ }).check();
  await page.getByLabel('Northamptonshire Police (POL)').fill('-3');
  await page.getByLabel(/\(CSC\)$/).fill('14');
  await bothWidths(page);
  await page.getByRole('button', { name: 'Record the event' }).click();
  // A negative count is refused on its own field before anything is sent.
  const problem = page.getByRole('alert');
  await expect(problem.getByRole('link', { name: /Northamptonshire Police/ })).toBeVisible();
  await expectAccessible(page);
  await page.getByLabel('Northamptonshire Police (POL)').fill('9');
  await page.getByRole('button', { name: 'Record the event' }).click();

  await expect(page.getByRole('heading', { level: 1 })).toHaveText(TITLE);
  const attendance = page.getByRole('table', { name: 'Attendance by agency' });
  await expect(attendance.getByRole('row', { name: /Everyone/ })).toContainText('23');
  await expect(page.getByRole('link', { name: /SCR-2016-03/ }).first()).toHaveAttribute('href', /\/reviews\//);
  await expect(page.getByRole('link', { name: /workshop slides of SCR-2016-03/ })).toHaveAttribute('href', /\/summary$/);
  await expect(page.getByText('No feedback yet.')).toBeVisible();
  await bothWidths(page);
  const eventUrl = page.url();

  // The review shows where its learning has been taken.
  await page.getByRole('link', { name: /SCR-2016-03/ }).first().click();
  await expect(page.getByRole('heading', { name: 'Where this learning has been taken' })).toBeVisible();
  const carried = page.getByRole('table', { name: "Learning events that carried this review's learning" });
  await expect(carried.getByRole('row', { name: new RegExp(TITLE) })).toBeVisible();
  await expect(carried.getByRole('row', { name: /Seven-minute briefing/ })).toBeVisible();
  await expectAccessible(page);
  await signOut(page);

  // A practitioner, a member of no review, sees the event without the review, and gives
  // feedback; the page thanks them and counts it; comments are not theirs to read.
  await signIn(page, 'practitioner@demo.example');
  await visit(page, new URL(eventUrl).pathname);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(TITLE);
  await expect(page.getByText("No review's learning that you can see is linked to this event.")).toBeVisible();
  await page.getByRole('button', { name: 'Send feedback' }).click();
  await expect(page.getByRole('alert').getByRole('link', { name: 'Choose how useful the event was' })).toBeVisible();
  await page.getByRole('radio', { name: '4: Very useful' }).check();
  await page.getByLabel('Comment (optional)').fill('I will use the escalation policy flowchart with my team.');
  await page.getByRole('button', { name: 'Send feedback' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Thank you: your feedback is saved.' })).toBeVisible();
  await expect(page.getByText('4.0 out of 5 (1 response)')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Comments' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Change my feedback' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Delete the event' })).toHaveCount(0);
  await bothWidths(page);
  await signOut(page);

  // The chair reads the comment, without the practitioner's name.
  await signIn(page, 'chair@demo.example');
  await visit(page, new URL(eventUrl).pathname);
  await expect(page.getByRole('heading', { name: 'Comments' })).toBeVisible();
  await expect(page.getByText('I will use the escalation policy flowchart with my team.')).toBeVisible();
  await expect(page.getByText('Pat Practitioner')).toHaveCount(0);
  await expectAccessible(page);
  await signOut(page);

  // The office deletes it after confirming.
  await signIn(page, 'office@demo.example');
  await visit(page, new URL(eventUrl).pathname);
  await page.getByRole('button', { name: 'Delete the event' }).click();
  await expect(page.getByRole('heading', { name: `Delete ${TITLE}?` })).toBeVisible();
  await page.getByRole('button', { name: 'Yes, delete it' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Training and learning events');
  await expect(page.getByRole('link', { name: TITLE })).toHaveCount(0);
});

test("the police lead points an action's evidence of impact at the briefing that trained the officers, then takes it back", async ({
  page,
}) => {
  await signIn(page, 'police.lead@demo.example');
  await visit(page, '/actions');
  await page.getByRole('link', { name: 'SCR-2016-03/A3' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Action SCR-2016-03/A3');
  await expect(page.getByText('The evidence of impact points at no learning event.')).toBeVisible();
  await page.getByRole('button', { name: 'Add as evidence' }).click();
  await expect(page.getByRole('alert').getByRole('link', { name: 'Choose the learning event' })).toBeVisible();
  const briefing = page.getByRole('option', { name: /^Seven-minute briefing: Child A/ });
  await page.getByLabel('Learning event').selectOption((await briefing.getAttribute('value')) ?? '');
  await page.getByRole('button', { name: 'Add as evidence' }).click();
  await expect(page.getByRole('status').filter({ hasText: /now points at Seven-minute briefing: Child A/ })).toBeVisible();
  const evidence = page.getByRole('link', { name: 'Seven-minute briefing: Child A' });
  await expect(evidence).toHaveAttribute('href', /\/learning-events\//);
  await expect(page.getByRole('option', { name: /Seven-minute briefing/ })).toHaveCount(0);
  await expectAccessible(page);
  await expectAccessibleOnPhone(page);

  await page.getByRole('button', { name: 'Remove Seven-minute briefing: Child A' }).click();
  await expect(page.getByRole('status').filter({ hasText: /no longer points at Seven-minute briefing: Child A/ })).toBeVisible();
  await expect(page.getByText('The evidence of impact points at no learning event.')).toBeVisible();
});
