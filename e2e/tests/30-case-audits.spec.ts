import { expect, Page, test } from '@playwright/test';
import { expectAccessible, expectAccessibleOnPhone, graphql, signIn, signOut, visit } from './helpers';

async function bothWidths(page: Page) {
  await expectAccessible(page);
  await expectAccessibleOnPhone(page);
}

test('the office sets a theme and the pool, sets an audit up with a pseudonymised sample, and an agency grades its case', async ({
  page,
  request,
}) => {
  const stamp = Date.now();
  const THEME = `Neglect of pre-school children ${stamp}`;
  const REFERENCE = `MACA-E2E-${stamp}`;

  // An audit: a review of the kind "multi-agency case audit" with the police and children's social care.
  await graphql(request, 'mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { id } }', {
    e: 'office@demo.example',
    p: 'safeguarding-demo',
  });
  const agencies = (await graphql(request, '{ agencies { id prefix } }')).data.agencies;
  const ids = agencies.filter((a: any) => a.prefix === 'POL' || a.prefix === 'CSC').map((a: any) => a.id);
  const created = await graphql(request, 'mutation($i: ReviewInput!) { createReview(input: $i) { id } }', {
    i: {
      reference: REFERENCE,
      kind: 'MULTI_AGENCY_CASE_AUDIT',
      subject: 'Neglect of pre-school children',
      themes: ['Neglect'],
      methodology: 'OTHER',
      methodologyDetail: 'Case file audit',
      incidentMonth: 1,
      incidentYear: new Date().getFullYear(),
      regimeId: 'local',
      awareOn: null,
      notifiedOn: `${new Date().getFullYear()}-01-02`,
      agencyIds: ids,
      members: [],
    },
  });
  const review = created.data.createReview.id;

  // The programme: a theme for this year, and the police representative in the pool.
  await signIn(page, 'office@demo.example');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Case audits' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Multi-agency case audits');
  await page.getByRole('button', { name: 'Add the theme' }).click();
  await expect(page.getByRole('alert')).toContainText('Theme');
  await page.getByRole('textbox', { name: 'Theme' }).fill(THEME);
  await page.getByLabel('The question the audit must answer').fill('How well do agencies recognise neglect of young children?');
  await page.getByRole('button', { name: 'Add the theme' }).click();
  await expect(page.getByRole('status').filter({ hasText: `Added the theme “${THEME}”.` })).toBeVisible();
  await expect(page.getByRole('region', { name: THEME })).toContainText('None yet');
  await page.getByRole('region', { name: THEME }).getByRole('button', { name: 'Change' }).click();
  await expect(page.getByRole('heading', { name: `Change the theme “${THEME}”` })).toBeFocused();
  await page.getByLabel('Terms of reference').fill('Children under five on a child protection plan for neglect this year.');
  await page.getByRole('button', { name: 'Save the theme' }).click();
  await expect(page.getByRole('status').filter({ hasText: `Saved the theme “${THEME}”.` })).toBeVisible();
  await expect(page.getByRole('region', { name: THEME })).toContainText('Children under five on a child protection plan');
  await page.getByRole('combobox', { name: 'Person' }).selectOption({ label: 'Paul Police (Northamptonshire Police)' });
  await page.getByRole('button', { name: 'Add to the pool' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Added the person to the audit pool.' })).toBeVisible();
  await bothWidths(page);

  // The audit: its theme, an auditor from the pool, and a case (a date of birth is refused).
  await visit(page, `/reviews/${review}`);
  await page.getByRole('link', { name: 'Open the audit' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Audit ${REFERENCE}: Neglect of pre-school children`);
  await page.getByRole('combobox', { name: 'Theme' }).selectOption({ label: `${THEME} (${new Date().getFullYear()})` });
  const auditors = page.getByRole('group', { name: 'Auditors' });
  await auditors.getByRole('checkbox', { name: 'Paul Police (POL)' }).check();
  await page.getByRole('button', { name: 'Save theme and auditors' }).click();
  await expect(page.getByRole('status').filter({ hasText: "Saved the audit's theme and auditors." })).toBeVisible();
  await expect(page.getByRole('definition').filter({ hasText: 'Paul Police (POL)' })).toBeVisible();
  await page.getByRole('textbox', { name: 'Case', exact: true }).fill('Case 1: Child D, born 14/03/2022');
  await page.getByLabel('Why it was chosen').fill('Open to early help for a year before a child protection plan.');
  await page.getByRole('group', { name: 'Agencies involved' }).getByRole('checkbox', { name: 'Northamptonshire Police' }).check();
  await page.getByRole('button', { name: 'Add the case' }).click();
  await expect(page.getByRole('alert')).toContainText('date of birth');
  // Text typed into the meeting's report meanwhile survives the page being rebuilt when
  // the case is added.
  await page.getByLabel('Attended by').fill('Sam Office, business office');
  await page.getByRole('textbox', { name: 'Case', exact: true }).fill('Case 1: Child D, aged 4');
  await page.getByRole('button', { name: 'Add the case' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Added “Case 1: Child D, aged 4” to the sample.' })).toBeVisible();
  await expect(page.getByLabel('Attended by')).toHaveValue('Sam Office, business office');
  await expect(page.getByRole('region', { name: 'Case 1: Child D, aged 4' })).toContainText('POL');
  await expect(page.getByRole('heading', { name: 'Grades by question and agency' })).toBeVisible();

  // The meeting's report in the framework's four parts, and the report as a document.
  await page.getByLabel('Summary of learning').fill('Neglect was recognised late where early help was not offered.');
  await page.getByLabel('Proposed multi-agency action').fill('A joint early help offer for pre-school children.');
  await page.getByRole('button', { name: 'Save the meeting report' }).click();
  await expect(page.getByRole('status').filter({ hasText: "Saved the audit meeting's report." })).toBeVisible();
  await expect(page.getByLabel('Summary of learning')).toHaveValue('Neglect was recognised late where early help was not offered.');
  await page.getByRole('button', { name: 'Download the audit report (DOCX)' }).click();
  await expect(page.getByRole('status').filter({ hasText: `Downloaded audit-report-${REFERENCE}.docx.` })).toBeVisible();
  await page.getByRole('button', { name: 'Download every grade (XLSX)' }).click();
  await expect(page.getByRole('status').filter({ hasText: `Downloaded audit-grades-${REFERENCE}.xlsx.` })).toBeVisible();
  await bothWidths(page);
  const auditUrl = new URL(page.url()).pathname;
  await signOut(page);

  // The police representative, now an auditor, grades the case for the police.
  await signIn(page, 'police.rep@demo.example');
  await visit(page, auditUrl);
  const grades = page.getByRole('region', { name: 'Grades for Case 1: Child D, aged 4' });
  await expect(grades).toBeVisible();
  const question = 'Was the child seen, and seen alone where appropriate?';
  await grades.getByRole('combobox', { name: `Grade: ${question}` }).selectOption({ label: 'Requires improvement' });
  await grades.getByRole('textbox', { name: `Evidence: ${question}` }).fill('Seen at every visit, alone only once.');
  await grades.getByRole('button', { name: `Save grade for ${question}` }).click();
  await expect(grades.getByText('Saved: requires improvement.')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Grades by question and agency' })).toHaveCount(0);
  await expect(page.getByText('A joint early help offer for pre-school children.')).toBeVisible();
  await bothWidths(page);

  // Read back through the API as the office: the grade is the police's.
  const back = await graphql(request, 'query($r: ID!) { caseAudit(reviewId: $r) { grades { grade evidence } } }', { r: review });
  expect(back.data.caseAudit.grades).toEqual([{ grade: 'REQUIRES_IMPROVEMENT', evidence: 'Seen at every visit, alone only once.' }]);
});

test('the demo re-audit reads against last year’s audit, question by question and across the theme', async ({ page }) => {
  await signIn(page, 'office@demo.example');
  await visit(page, '/audits');
  const theme = page.getByRole('region', { name: 'Neglect of pre-school children: re-audit' });
  await expect(theme).toContainText(`Neglect of pre-school children (${new Date().getFullYear() - 1})`);
  await theme.getByRole('link', { name: /^MACA-2:/ }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Audit MACA-2: Neglect of pre-school children: re-audit');
  await expect(page.getByText('From the submitted returns of CSC.')).toBeVisible();
  const compared = page.getByRole('table', { name: 'Then and now, by question and agency' });
  await expect(compared.getByRole('row').filter({ hasText: 'Was likely or actual significant harm recognised' }).filter({ hasText: 'CSC' })).toContainText('Better');
  const across = page.getByRole('table', { name: "Grades by question across the theme's audits" });
  await expect(across.getByRole('columnheader')).toHaveText(['Question', `MACA-1 (${new Date().getFullYear() - 1})`, `MACA-2 (${new Date().getFullYear()})`]);
  await bothWidths(page);
});
