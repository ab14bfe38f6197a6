import { expect, Page, test } from '@playwright/test';
import { expectAccessible, expectAccessibleOnPhone, fillDate, isoDate, signIn, signOut, visit } from './helpers';

async function bothWidths(page: Page) {
  await expectAccessible(page);
  await expectAccessibleOnPhone(page);
}

function section(page: Page, n: number, title: string) {
  return page.getByRole('region', { name: `${n}. ${title}` });
}

const SECTIONS = [
  'Quality-assurance work done',
  'What it found',
  'What changed for children as a result',
  'Evidence of impact',
  'What is planned',
];

test('an agency lead records an audit and submits its QA impact report; the office returns it with comments and accepts it once changed', async ({
  page,
}) => {
  const year = new Date().getFullYear();
  const TOPIC = `Missing children return interviews ${Date.now()}`;

  // The police lead is asked for the report on their home page.
  await signIn(page, 'police.lead@demo.example');
  const work = page.getByRole('region', { name: 'What needs you' });
  const item = work.getByRole('link', { name: new RegExp(`POL QA impact report for ${year}`) });
  await expect(item).toBeVisible();
  await item.click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`POL QA impact report ${year}`);
  await expect(page.locator('#qa-status')).toHaveText('Being written');
  const audits = page.getByRole('region', { name: `Single-agency audits in ${year}` });
  await expect(audits.getByRole('heading', { name: /Domestic abuse referrals \(re-audit\)/ })).toBeVisible();
  await bothWidths(page);
  const reportUrl = new URL(page.url()).pathname;

  // First the lead records an audit; a sample that is not a number is caught on its field.
  await audits.getByRole('link', { name: "All the agency's audits" }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Single-agency audits: /);
  await page.getByLabel('Topic').fill(TOPIC);
  await page.getByLabel('Standard audited against').fill('Missing from home procedure: an interview within 72 hours');
  await fillDate(page, 'Date of the audit', isoDate(0));
  await page.getByLabel('Findings').fill('11 of 15 children were offered an interview within 72 hours.');
  await page.getByRole('button', { name: 'Record the audit' }).click();
  await expect(page.getByRole('alert').getByRole('link', { name: 'Enter the number of cases looked at' })).toBeVisible();
  await expectAccessible(page);
  await page.getByLabel('Cases looked at').fill('15');
  await page.getByRole('button', { name: 'Record the audit' }).click();
  await expect(page.getByRole('status').filter({ hasText: `Recorded the audit “${TOPIC}”.` })).toBeVisible();
  const recorded = page.getByRole('region', { name: TOPIC });
  await expect(recorded).toContainText('15 cases');
  await expect(recorded).toContainText('Not recorded yet');
  await bothWidths(page);

  // The report: submitting before every section is written names each one left.
  await visit(page, reportUrl);
  await expect(page.getByRole('region', { name: `Single-agency audits in ${year}` })).toContainText(TOPIC);
  await page.getByRole('button', { name: 'Submit the report' }).click();
  const problems = page.getByRole('alert');
  for (let n = 1; n <= 5; n++) {
    await expect(problems.getByRole('link', { name: new RegExp(`Section ${n}`) })).toBeVisible();
  }
  await expectAccessible(page);
  for (const [i, title] of SECTIONS.entries()) {
    const part = section(page, i + 1, title);
    await part.getByLabel('Your text').fill(`${title}: what the police did in ${year}.`);
    await part.getByRole('button', { name: `Save section ${i + 1}` }).click();
    await expect(page.getByRole('status').filter({ hasText: `“${title}” is saved.` })).toBeVisible();
  }
  await page.getByRole('button', { name: 'Submit the report' }).click();
  await expect(page.locator('#qa-status')).toHaveText('Submitted');
  await expect(page.getByRole('button', { name: 'Submit the report' })).toHaveCount(0);
  await expect(section(page, 3, SECTIONS[2])).toContainText('What changed for children as a result: what the police did');
  await bothWidths(page);
  await signOut(page);

  // The office sees it waiting, and returns it with comments.
  await signIn(page, 'office@demo.example');
  await visit(page, '/qa-reports');
  const table = page.getByRole('table', { name: `QA impact reports for ${year}` });
  await expect(table.getByRole('row', { name: /Northamptonshire Police/ })).toContainText('Submitted');
  await expect(page.getByText('The sections stay as they were when agencies were asked for this year.')).toBeVisible();
  await table.getByRole('link', { name: /Northamptonshire Police/ }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`POL QA impact report ${year}`);
  await page.getByRole('radio', { name: 'Return it to the agency with comments' }).check();
  await page.getByRole('button', { name: 'Record the decision' }).click();
  await expect(page.getByRole('alert').getByRole('link', { name: /Comment/ })).toBeVisible();
  await bothWidths(page);
  await page.getByRole('form', { name: 'Scrutiny' }).getByLabel('Comment', { exact: true }).fill('Say what changed for children who went missing.');
  await page.getByRole('button', { name: 'Record the decision' }).click();
  await expect(page.locator('#qa-status')).toHaveText('Returned with comments');
  await signOut(page);

  // The lead reads the comments, changes a section and submits again.
  await signIn(page, 'police.lead@demo.example');
  await visit(page, reportUrl);
  await expect(page.locator('#qa-returned')).toContainText('Say what changed for children who went missing.');
  const third = section(page, 3, SECTIONS[2]);
  await third.getByLabel('Your text').fill('Return interviews are now offered within 72 hours to every child.');
  await third.getByRole('button', { name: 'Save section 3' }).click();
  await expect(page.getByRole('status').filter({ hasText: `“${SECTIONS[2]}” is saved.` })).toBeVisible();
  await page.getByRole('button', { name: 'Submit the report' }).click();
  await expect(page.locator('#qa-status')).toHaveText('Submitted');
  await signOut(page);

  // The office accepts it.
  await signIn(page, 'office@demo.example');
  await visit(page, reportUrl);
  await page.getByRole('radio', { name: 'Accept it' }).check();
  await page.getByRole('button', { name: 'Record the decision' }).click();
  await expect(page.locator('#qa-status')).toHaveText('Accepted');
  await expectAccessible(page);
});

test('the office prepares next year\'s sections and asks an agency for its report', async ({ page }) => {
  const next = new Date().getFullYear() + 1;
  await signIn(page, 'office@demo.example');
  await visit(page, '/qa-reports');
  await page.getByRole('combobox', { name: 'Year' }).selectOption(String(next));
  await expect(page.getByRole('heading', { level: 2, name: String(next) })).toBeVisible();
  await expect(page.getByText('No agency has been asked for its report for this year yet.')).toBeVisible();
  // The form starts from the framework's five sections; the office keeps four and adds one.
  const sections = page.getByRole('textbox', { name: 'Sections' });
  await expect(sections).toHaveValue(/^Quality-assurance work done: /);
  const lines = (await sections.inputValue()).split('\n').slice(0, 4);
  lines.push('Learning from reviews: what your agency changed after the partnership\'s reviews.');
  await sections.fill(lines.join('\n'));
  await page.getByRole('button', { name: 'Save the sections' }).click();
  await expect(page.getByRole('status').filter({ hasText: `The sections for ${next} are saved.` })).toBeVisible();
  await expect(sections).toHaveValue(/Learning from reviews: what your agency changed/);
  await bothWidths(page);

  await page.getByRole('button', { name: 'Ask these agencies' }).click();
  await expect(page.getByRole('alert').getByRole('link', { name: 'Choose at least one agency' })).toBeVisible();
  await page.getByRole('group', { name: 'Agencies' }).getByRole('checkbox', { name: /^CSC / }).check();
  await fillDate(page, 'Due by', isoDate(60));
  await page.getByRole('button', { name: 'Ask these agencies' }).click();
  await expect(page.getByRole('status').filter({ hasText: `1 agency is asked for their QA impact report for ${next}` })).toBeVisible();
  const table = page.getByRole('table', { name: `QA impact reports for ${next}` });
  await expect(table.getByRole('row', { name: /Children, Families and Education/ })).toContainText('Being written');
  await expect(page.getByRole('listitem').filter({ hasText: /^Learning from reviews/ })).toBeVisible();
  await bothWidths(page);
});

test('the office writes the annual report\'s introduction and downloads it; the chair reads and downloads it too', async ({ page }) => {
  const now = new Date();
  const year = now.getMonth() >= 3 ? now.getFullYear() : now.getFullYear() - 1;
  const label = `April ${year} to March ${year + 1}`;
  const file = `annual-report-${year}-${String((year + 1) % 100).padStart(2, '0')}.docx`;
  const INTRO = `This year the partnership learnt from its reviews and audits ${Date.now()}.`;

  await signIn(page, 'office@demo.example');
  await page.getByRole('region', { name: 'The partnership at a glance' }).getByRole('link', { name: 'The annual report: learning and improvement' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Annual report: learning and improvement');
  await expect(page.getByRole('combobox', { name: 'Reporting year' })).toHaveValue(String(year));
  const intro = page.getByRole('form', { name: 'Introduction' });
  await intro.getByLabel('Text').fill(INTRO);
  await intro.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status').filter({ hasText: '“Introduction” is saved.' })).toBeVisible();
  await expect(page.getByRole('form', { name: 'Introduction' }).getByLabel('Text')).toHaveValue(INTRO);
  await bothWidths(page);

  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: `Download the report for ${label} (DOCX)` }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe(file);
  const chunks: Buffer[] = [];
  for await (const chunk of await download.createReadStream()) chunks.push(chunk as Buffer);
  expect(Buffer.concat(chunks).subarray(0, 2).toString()).toBe('PK');
  await expect(page.getByRole('status').filter({ hasText: `Downloaded ${file}.` })).toBeVisible();
  await signOut(page);

  // The chair reads the narrative as written, without a form, and downloads the report.
  await signIn(page, 'chair@demo.example');
  await visit(page, '/annual-report');
  await expect(page.getByRole('region', { name: 'Introduction' })).toContainText(INTRO);
  await expect(page.getByRole('region', { name: 'Priorities for the year ahead' })).toContainText('Not written yet');
  await expect(page.getByRole('button', { name: 'Save' })).toHaveCount(0);
  const again = page.waitForEvent('download');
  await page.getByRole('button', { name: `Download the report for ${label} (DOCX)` }).click();
  expect((await again).suggestedFilename()).toBe(file);
});
