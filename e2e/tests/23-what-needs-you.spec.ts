import { expect, Page, test } from '@playwright/test';
import { expectAccessible, fillDate, isoDate, reviewId, signIn, signOut, visit } from './helpers';

/** The home page's "What needs you" section. */
function work(page: Page) {
  return page.getByRole('region', { name: 'What needs you' });
}

/** Day month year, as the app writes dates ("9 March 2027"). */
function ukDate(iso: string): string {
  const d = new Date(`${iso}T12:00:00`);
  return d.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric' });
}

test('the home page tells each role what needs them, and the office sets when returns are due', async ({ page, request }) => {
  const id = await reviewId(request, 'RR-2026-01');

  // A practitioner with nothing to do is told what would appear.
  await signIn(page, 'practitioner@demo.example');
  await expect(work(page).getByText('Nothing needs you now.')).toBeVisible();
  await expect(work(page)).toContainText('chronology returns your agency is asked for');
  await expectAccessible(page);
  await signOut(page);

  // The police representative: the demo's rapid review asks for the police return.
  await signIn(page, 'police.rep@demo.example');
  const asked = work(page).getByRole('listitem').filter({ hasText: 'POL chronology return for RR-2026-01' });
  await expect(asked).toContainText('Chronology return asked for');
  await signOut(page);

  // The office brings the date forward to three days from now, on the review's page.
  await signIn(page, 'office@demo.example');
  await visit(page, `/reviews/${id}`);
  await expect(page.locator('#returns-due')).toContainText('asked to submit their chronology returns by');
  const form = page.locator('form').filter({ has: page.getByRole('heading', { name: 'Change the date returns are due by' }) });
  await fillDate(form, 'Returns due by', 3);
  await form.getByRole('button', { name: 'Ask for returns by this date' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'asked for their chronology returns by' })).toBeVisible();
  await expect(page.locator('#returns-due')).toContainText(ukDate(isoDate(3)));
  // A date in the past is refused, with the error tied to the field.
  await fillDate(form, 'Returns due by', -2);
  await form.getByRole('button', { name: 'Ask for returns by this date' }).click();
  await expect(page.getByRole('alert')).toContainText('Returns due by');
  await expect(page.getByRole('alert')).toContainText('must be today or a later date');
  await expectAccessible(page);

  // The office's own list: the returns not yet submitted for the review, now due soon (other
  // journeys may have submitted some agencies' returns).
  await page.getByRole('link', { name: 'Dashboard' }).first().click();
  await expect(
    work(page).getByRole('listitem').filter({ hasText: 'POL chronology return for RR-2026-01' }),
  ).toContainText('Chronology return due soon');
  // And the review that waits for its threshold decision, long overdue.
  await expect(work(page).getByRole('listitem').filter({ hasText: 'LCSPR-2026-02' }).first()).toContainText(
    'Statutory deadline overdue',
  );
  await expectAccessible(page);
  await signOut(page);

  // The police representative is now told it is due soon, at home and in notifications.
  await signIn(page, 'police.rep@demo.example');
  const due = work(page).getByRole('listitem').filter({ hasText: 'POL chronology return for RR-2026-01' });
  await expect(due).toContainText('Chronology return due soon');
  await expect(due).toContainText(`Due ${ukDate(isoDate(3))}`);
  // Overdue and due-soon work comes before work that only waits.
  const items = work(page).getByRole('listitem');
  await expect(items.first()).toContainText(/overdue|due soon/);
  await page.setViewportSize({ width: 390, height: 844 });
  await expectAccessible(page);
  await page.setViewportSize({ width: 1280, height: 900 });
  const nav = page.getByRole('navigation', { name: 'Main' });
  // The reminder job runs every two seconds in these tests.
  await expect(async () => {
    await page.reload();
    await expect(nav.getByRole('link', { name: /Notifications \(\d+ unread\)/ })).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 20_000 });
  await nav.getByRole('link', { name: /Notifications/ }).click();
  const row = page.locator('tbody tr').filter({ hasText: 'POL chronology return for RR-2026-01' }).first();
  await expect(row).toContainText('Chronology return due soon');
  await expectAccessible(page);

  // The item leads to where the work is done.
  await page.getByRole('link', { name: 'Dashboard' }).first().click();
  await due.getByRole('link', { name: /POL chronology return for RR-2026-01/ }).click();
  await expect(page).toHaveURL(new RegExp(`/reviews/${id}/chronology$`));
  await expect(page.getByRole('heading', { level: 2, name: "Your agency's return" })).toBeVisible();
  await expect(page.locator('#return-due')).toContainText(`asked for this return by ${ukDate(isoDate(3))}`);
  await expect(page.locator('#return-due')).toContainText('Chronology return due soon');
});
