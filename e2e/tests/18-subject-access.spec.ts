import { expect, test } from '@playwright/test';
import * as fs from 'fs';
import * as zlib from 'zlib';
import { expectAccessible, reviewId, signIn, visit } from './helpers';

// Subject access (issue 21): the business office downloads everything a review holds about
// one person of its glossary as a ZIP, with third parties redacted, after a confirmation;
// the export is in the audit log. Others do not see the section.

/** The files of a ZIP by name, read through its central directory. */
function unzip(zip: Buffer): Map<string, string> {
  let end = zip.length - 22;
  while (end >= 0 && zip.readUInt32LE(end) !== 0x06054b50) end -= 1;
  expect(end).toBeGreaterThanOrEqual(0);
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const files = new Map<string, string>();
  for (let i = 0; i < count; i += 1) {
    expect(zip.readUInt32LE(at)).toBe(0x02014b50);
    const method = zip.readUInt16LE(at + 10);
    const packed = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extra = zip.readUInt16LE(at + 30);
    const comment = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(start, start + packed);
    files.set(name, (method === 8 ? zlib.inflateRawSync(data) : data).toString('utf8'));
    at += 46 + nameLength + extra + comment;
  }
  return files;
}

test('the business office downloads a subject access export with third parties redacted, on a computer and a phone', async ({ page, request }) => {
  const id = await reviewId(request, 'SCR-2016-03');
  await signIn(page, 'office@demo.example');
  await visit(page, `/reviews/${id}`);
  await expect(page.getByRole('heading', { name: 'Subject access request' })).toBeVisible();
  const form = page.getByRole('form', { name: 'Subject access request' });
  await expect(form.getByLabel('Person who asked')).toContainText('Child A (Lily');
  await expectAccessible(page);

  // The person is required.
  await form.getByRole('button', { name: 'Download the export' }).click();
  await expect(page.getByRole('alert')).toContainText('Choose the person who asked');

  await form.getByLabel('Person who asked').selectOption('Child A');
  await form.getByLabel(/Redact third parties/).check();
  await form.getByRole('button', { name: 'Download the export' }).click();
  const question = page.getByRole('group', { name: 'Download everything held about Child A?' });
  await expect(question).toBeVisible();
  await expect(question).toContainText('Other people in the glossary are replaced by their pseudonym');
  await expect(page.getByRole('button', { name: 'Yes, download the export' })).toBeFocused();
  await expectAccessible(page);
  await page.setViewportSize({ width: 390, height: 844 });
  await expectAccessible(page);
  await page.setViewportSize({ width: 1280, height: 800 });

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Yes, download the export' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^SCR-2016-03-subject-access-Child-A-\d{8}\.zip$/);
  const files = unzip(fs.readFileSync(await download.path()));
  expect([...files.keys()]).toEqual(expect.arrayContaining([
    'README.txt', 'manifest.json', 'chronology-entries.csv', 'chronology-entries.json', 'annotations.csv', 'audit-log.csv',
  ]));
  const entries = files.get('chronology-entries.csv') ?? '';
  expect(entries).toContain('"Entry id","Agency","Return status"');
  expect(entries).toContain('bruising to Lily');
  expect(entries).not.toContain('Police attended domestic incident');
  expect(files.get('README.txt')).toContain('Third parties redacted: yes');
  expect(JSON.parse(files.get('manifest.json') ?? '{}').person.pseudonym).toBe('Child A');
  await expect(page.getByRole('status').filter({ hasText: 'Downloaded SCR-2016-03-subject-access-Child-A-' })).toBeVisible();
  await expect(question).toHaveCount(0);
  await expectAccessible(page);

  // The audit log shows the export: counts and the choice, no names.
  await visit(page, '/audit-log');
  const entry = page.locator('table tbody tr', { hasText: 'review.subject_access.export' }).first();
  await expect(entry).toBeVisible();
  await entry.getByText('Details').click();
  await expect(entry.locator('pre')).toContainText('"redactThirdParties": true');
  await expect(entry.locator('pre')).not.toContainText('Lily');
  await expectAccessible(page);
});

test('only the business office sees the subject access request', async ({ page, request }) => {
  const id = await reviewId(request, 'SCR-2016-03');
  await signIn(page, 'reviewer@demo.example');
  await visit(page, `/reviews/${id}`);
  await expect(page.getByRole('heading', { name: 'Retention and legal hold' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Subject access request' })).toHaveCount(0);
});
