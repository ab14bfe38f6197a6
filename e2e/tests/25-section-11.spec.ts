import { expect, Page, test } from '@playwright/test';
import { expectAccessible, fillDate, signIn, signOut, visit } from './helpers';

const YEAR = new Date().getFullYear();

function work(page: Page) {
  return page.getByRole('region', { name: 'What needs you' });
}

async function bothWidths(page: Page) {
  await expectAccessible(page);
  await page.setViewportSize({ width: 390, height: 844 });
  await expectAccessible(page);
  await page.setViewportSize({ width: 1280, height: 900 });
}

test("an agency lead answers the year's Section 11 assessment from last year's, and the office returns it with a challenge", async ({
  page,
}) => {
  // The police lead is asked for this year's assessment on their home page.
  await signIn(page, 'police.lead@demo.example');
  const asked = work(page).getByRole('listitem').filter({ hasText: `POL Section 11 self-assessment for ${YEAR}` });
  await expect(asked).toContainText('Section 11 self-assessment asked for');
  await asked.getByRole('link').click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`POL Section 11 self-assessment ${YEAR}`);
  const sharing = page.getByRole('region', { name: '8. Information sharing' });
  await expect(sharing).toContainText('Carried forward from last year');
  await expect(sharing).toContainText('Red: not met');
  // Last year's action on it is carried forward with its status, and opens in the plan.
  const sharingActions = page.getByRole('region', { name: 'Actions for standard 8' });
  await expect(sharingActions).toContainText(`Planned in ${YEAR - 1}'s assessment`);
  await expect(
    sharingActions.getByRole('listitem').filter({ hasText: `S11-${YEAR - 1}/A2: Agree the information-sharing protocol` }),
  ).toContainText('Completed');
  await bothWidths(page);

  // Information sharing is better this year: green, with new evidence. Evidence too long
  // for the server is reported on this standard's own field.
  await sharing.getByLabel('Green: met').check();
  await sharing.getByLabel('Evidence', { exact: true }).fill('x'.repeat(10001));
  await sharing.getByRole('button', { name: 'Save standard 8' }).click();
  const refused = sharing.getByRole('alert');
  await expect(refused).toContainText('Evidence must be at most 10000 characters');
  await expect(refused.getByRole('link', { name: /Evidence/ })).toHaveAttribute('href', '#evidence-8');
  await sharing.getByLabel('Evidence', { exact: true }).fill('The protocol was agreed in March; an audit of 20 referrals found 18 shared the same day.');
  // A link to the evidence must be a web address: refused on the links field, by number.
  const links = sharing.getByLabel('Links to evidence (optional)');
  await links.fill('javascript:alert(1) Click here');
  await sharing.getByRole('button', { name: 'Save standard 8' }).click();
  await expect(refused).toContainText('Links to evidence, link 1 must be a web address starting https:// or http://');
  await expect(refused.getByRole('link', { name: /Links to evidence/ })).toHaveAttribute('href', '#links-8');
  await links.fill('https://intranet.example/sharing-audit.pdf Referral audit, March');
  await sharing.getByRole('button', { name: 'Save standard 8' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Your answer to “Information sharing” is saved.' })).toBeVisible();
  await expect(sharing).toContainText('Green: met');
  await expect(sharing).not.toContainText('Carried forward from last year');

  // Actions planned against the amber standard 6 join the action plan, owned by the police.
  // An action half-typed on standard 4 is still there after planning rebuilds the page.
  const four = page.getByRole('region', { name: 'Actions for standard 4' });
  await four.getByLabel('What will be done').fill('Audit supervision records');
  const six = page.getByRole('region', { name: 'Actions for standard 6' });
  await expect(six).toContainText('No actions planned for this standard this year.');
  await six.getByRole('button', { name: 'Plan an action for standard 6' }).click();
  await expect(six.getByRole('alert')).toContainText('Enter the date it is to be done by');
  await fillDate(six, 'To be done by', 90);
  await six.getByRole('button', { name: 'Plan an action for standard 6' }).click();
  await expect(six.getByRole('alert')).toContainText('What will be done');
  await six.getByLabel('What will be done').fill('Train every custody sergeant in the safeguarding referral pathway');
  await six.getByRole('button', { name: 'Plan an action for standard 6' }).click();
  await expect(page.getByRole('status').filter({ hasText: `Planned S11-${YEAR}/A1: it is in the action plan` })).toBeVisible();
  const planned = six.getByRole('link', { name: `S11-${YEAR}/A1: Train every custody sergeant in the safeguarding referral pathway` });
  await expect(planned).toBeVisible();
  await expect(four.getByLabel('What will be done')).toHaveValue('Audit supervision records');
  await bothWidths(page);
  await four.getByLabel('What will be done').fill('');
  await planned.click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Action S11-${YEAR}/A1`);
  await expect(page.getByRole('main')).toContainText('Train every custody sergeant');
  await expect(page.getByRole('main')).toContainText(`Section 11 ${YEAR}, standard 6: Training (Northamptonshire Police)`);
  await page.goBack();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`POL Section 11 self-assessment ${YEAR}`);

  await page.getByRole('button', { name: 'Submit the assessment' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'The assessment is submitted.' })).toBeVisible();
  await expect(page.locator('#s11-status')).toHaveText('Submitted');
  await expect(page.getByRole('button', { name: 'Save standard 1' })).toHaveCount(0);
  await signOut(page);

  // The office scrutinises it from its home page.
  await signIn(page, 'office@demo.example');
  const scrutinise = work(page).getByRole('listitem').filter({ hasText: `POL Section 11 self-assessment for ${YEAR}` });
  await expect(scrutinise).toContainText('Section 11 self-assessment to scrutinise');
  await scrutinise.getByRole('link').click();
  // The evidence links open from the standard.
  await expect(
    page.getByRole('region', { name: '8. Information sharing' }).getByRole('link', { name: 'Referral audit, March' }),
  ).toHaveAttribute('href', 'https://intranet.example/sharing-audit.pdf');
  const decide = page.getByRole('form', { name: 'Scrutiny' });
  await decide.getByLabel('Return it to the agency with a challenge').check();
  await decide.getByRole('button', { name: 'Record the decision' }).click();
  await expect(decide.getByRole('alert')).toContainText('Comment');
  await expectAccessible(page);
  // The comment half-written, then a challenge question on the standard that changed,
  // checked before it is sent.
  await decide.getByLabel('Comment').fill('How do you know the protocol is used outside office hours?');
  const challenges = page.getByRole('region', { name: 'Challenges on standard 8' });
  await challenges.getByRole('button', { name: 'Ask about standard 8' }).click();
  await expect(challenges.getByRole('alert')).toContainText('Challenge question must not be empty');
  await challenges.getByLabel('Challenge question on standard 8').fill('Which audit found 18 of 20, and who carried it out?');
  await challenges.getByRole('button', { name: 'Ask about standard 8' }).click();
  await expect(challenges).toContainText('Challenge 1: Which audit found 18 of 20, and who carried it out?');
  await expect(challenges).toContainText('Not yet answered');
  await expect(challenges.getByRole('button', { name: 'Withdraw challenge 1' })).toBeVisible();
  // Asking rebuilt the page; the decision and its comment are still as they were typed.
  await expect(decide.getByLabel('Return it to the agency with a challenge')).toBeChecked();
  await expect(decide.getByLabel('Comment')).toHaveValue('How do you know the protocol is used outside office hours?');
  await decide.getByRole('button', { name: 'Record the decision' }).click();
  await expect(page.locator('#s11-status')).toHaveText('Returned with comments');
  await expect(page.locator('#s11-challenge')).toContainText('outside office hours');

  // The year's picture: every agency asked, and the standards × agencies ratings.
  await visit(page, '/section-11');
  const heat = page.getByRole('region', { name: `Ratings by standard and agency, ${YEAR}` });
  await expect(heat.getByRole('columnheader', { name: 'POL' })).toBeVisible();
  await expect(heat.getByRole('row', { name: /Information sharing/ })).toContainText('Green: met');
  // Where a rating changed, last year's is beside it.
  await expect(heat.getByRole('row', { name: /Information sharing/ })).toContainText('Last year: Red: not met');
  await expect(page.getByRole('table', { name: `Assessments for ${YEAR}` })).toContainText('Returned with comments');
  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: `Download every ${YEAR} answer (XLSX)` }).click();
  const file = await downloading;
  expect(file.suggestedFilename()).toBe(`section-11-${YEAR}.xlsx`);
  await expect(page.getByRole('status').filter({ hasText: `Downloaded section-11-${YEAR}.xlsx.` })).toBeVisible();
  // The summary report for the board, a Word document that names the returned police.
  const reporting = page.waitForEvent('download');
  await page.getByRole('button', { name: `Download the ${YEAR} summary report (DOCX)` }).click();
  const report = await reporting;
  expect(report.suggestedFilename()).toBe(`section-11-${YEAR}-report.docx`);
  const stream = await report.createReadStream();
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  expect(Buffer.concat(chunks).subarray(0, 2).toString()).toBe('PK');
  await expect(page.getByRole('status').filter({ hasText: `Downloaded section-11-${YEAR}-report.docx.` })).toBeVisible();
  await bothWidths(page);
  await signOut(page);

  // Back with the police lead, as returned work.
  await signIn(page, 'police.lead@demo.example');
  const returned = work(page).getByRole('listitem').filter({ hasText: `POL Section 11 self-assessment for ${YEAR}` });
  await expect(returned).toContainText('Section 11 self-assessment returned');
  // The challenge needs a response before the assessment goes back.
  await returned.getByRole('link').click();
  const mine = page.getByRole('region', { name: 'Challenges on standard 8' });
  await expect(mine).toContainText('Challenge 1: Which audit found 18 of 20');
  await page.getByRole('button', { name: 'Submit the assessment' }).click();
  await expect(page.getByRole('form', { name: 'Submit the assessment' }).getByRole('alert')).toContainText(
    "Challenge 1: Your response respond to the business office's challenge",
  );
  await mine.getByLabel('Your response').fill('The March audit by the MASH manager; the report is on the shared drive.');
  await mine.getByRole('button', { name: 'Save the response to challenge 1' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Your response to challenge 1 is saved.' })).toBeVisible();
  await bothWidths(page);
  await page.getByRole('button', { name: 'Submit the assessment' }).click();
  await expect(page.locator('#s11-status')).toHaveText('Submitted');
  await expect(mine).toContainText('Response: The March audit by the MASH manager');
});
