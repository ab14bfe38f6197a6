import { expect, test } from '@playwright/test';
import * as fs from 'fs';
import { expectAccessible, graphql, reviewId, signIn, visit } from './helpers';

// A reviewer clears the anonymisation warnings (one name added to the glossary, one
// dismissed as not a name) before downloading the anonymised chronology.
test('a reviewer clears the anonymisation warnings before exporting', async ({ page, request }) => {
  const id = await reviewId(request, 'SCR-2016-03');
  // The business office notes two things on an entry: a relative's name nobody put in the
  // glossary, and a service whose name looks like one. The mother's real name (in the
  // demo's records) goes into the glossary, if no earlier test put it there.
  const body = await graphql(request, 'query($id: ID!) { review(id: $id) { integratedChronology { entries { id } } } }', { id });
  const entry = body.data.review.integratedChronology.entries[0].id;
  for (const text of ['Spoke to Tamsin Okoro (aunt) about contact.', 'Mother referred to Kestrel Pathways for support.']) {
    const r = await graphql(request, 'mutation($e: ID!, $t: String!) { annotateEntry(entryId: $e, kind: NOTE, text: $t) { id } }', { e: entry, t: text });
    expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
  }
  await graphql(request, 'mutation($r: ID!) { addGlossaryTerm(reviewId: $r, input: { realText: "Karen Harper", replacement: "Mother" }) { id } }', { r: id });

  await signIn(page, 'reviewer@demo.example');
  await visit(page, `/reviews/${id}/chronology`);
  await page.getByRole('group', { name: 'Names' }).first().getByLabel('Anonymised (glossary)').check();

  const warning = page.getByRole('region', { name: 'Check the anonymisation' });
  await expect(warning).toContainText('The anonymised chronology may still name people: 2 possible names or identifiers are not in the glossary.');
  await expect(warning.locator('.suspect-text', { hasText: '“Tamsin Okoro”' })).toBeVisible();
  await expect(warning.locator('.suspect-text', { hasText: '“Kestrel Pathways”' })).toBeVisible();
  await expect(warning).toContainText('Possible name, once.');
  await expectAccessible(page);

  // The download explains, and is refused naming them.
  const exports = page.getByRole('form', { name: 'Download or print' });
  await expect(exports).toContainText('The anonymised download is refused until the 2 possible names not in the glossary are added to it or dismissed');
  await exports.getByRole('button', { name: 'Download' }).click();
  await expect(exports.getByRole('status')).toContainText('"Tamsin Okoro"');
  await expect(exports.getByRole('status')).toContainText('"Kestrel Pathways"');

  // Nothing typed: the error says what to do.
  await warning.getByRole('button', { name: 'Add to glossary: Tamsin Okoro' }).click();
  await expect(warning.getByRole('alert')).toContainText('Enter what replaces “Tamsin Okoro”');
  await expectAccessible(page);

  // One added to the glossary with its replacement.
  await warning.getByLabel('Replace “Tamsin Okoro” with').fill('Aunt');
  await warning.getByRole('button', { name: 'Add to glossary: Tamsin Okoro' }).click();
  await expect(warning.getByRole('status')).toContainText('“Tamsin Okoro” added to the glossary.');
  await expect(warning.locator('.suspect-text', { hasText: '“Tamsin Okoro”' })).toHaveCount(0);
  await expect(page.locator('#integrated-rows')).not.toContainText('Tamsin');

  // One dismissed as not a name.
  await warning.getByRole('button', { name: 'Not a name: Kestrel Pathways' }).click();
  await expect(warning.getByRole('status')).toContainText('“Kestrel Pathways” dismissed as not a name.');
  await expect(warning).toContainText('Nothing in the chronology looks like a name or identifier that the glossary does not replace.');
  await expect(exports).not.toContainText('refused');
  await expectAccessible(page);

  // Now the anonymised download goes through, without the names.
  await exports.getByRole('group', { name: 'Format' }).getByLabel('CSV').check();
  const [csv] = await Promise.all([page.waitForEvent('download'), exports.getByRole('button', { name: 'Download' }).click()]);
  expect(csv.suggestedFilename()).toBe('SCR-2016-03-integrated-chronology-anonymised.csv');
  const text = fs.readFileSync(await csv.path(), 'utf8');
  expect(text).toContain('Spoke to Aunt (aunt) about contact.');
  expect(text).toContain('Kestrel Pathways');
  expect(text).not.toContain('Tamsin');
  expect(text).not.toContain('Karen Harper');

  // On a phone.
  await page.setViewportSize({ width: 390, height: 844 });
  await expectAccessible(page);
});

test('the warnings are accessible on a phone while suspects are open', async ({ page, request }) => {
  const id = await reviewId(request, 'SCR-2016-03');
  const body = await graphql(request, 'query($id: ID!) { review(id: $id) { integratedChronology { entries { id } } } }', { id });
  const entry = body.data.review.integratedChronology.entries[1].id;
  await graphql(request, 'mutation($e: ID!) { annotateEntry(entryId: $e, kind: NOTE, text: "Seen with her cousin Marguerite Delacroix-Obi.") { id } }', { e: entry });
  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page, 'reviewer@demo.example');
  await visit(page, `/reviews/${id}/chronology`);
  const warning = page.getByRole('region', { name: 'Check the anonymisation' });
  await expect(warning.locator('.suspect-text', { hasText: '“Marguerite Delacroix-Obi”' })).toBeVisible();
  await expectAccessible(page);
});
