import { Browser, expect, Page, test } from '@playwright/test';
import * as fs from 'fs';
import { expectAccessible, reviewId, signIn, visit } from './helpers';

async function open(browser: Browser, email: string, path: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, email);
  await visit(page, path);
  return page;
}

function onlyDuplicates(page: Page) {
  return page.getByRole('group', { name: 'Show only entries' }).getByLabel('In a probable duplicate group');
}

test('a second browser sees a duplicate decision and who else is there, without reloading', async ({
  browser,
  request,
}) => {
  const id = await reviewId(request, 'SCR-2016-03');
  const path = `/reviews/${id}/chronology`;
  const reviewer = await open(browser, 'reviewer@demo.example', path);
  const office = await open(browser, 'office@demo.example', path);

  // Presence: each sees the other.
  await expect(reviewer.locator('#viewers')).toContainText('Olivia Office');
  await expect(office.locator('#viewers')).toContainText('Rita Reviewer (CSC)');

  await onlyDuplicates(office).check();
  await onlyDuplicates(reviewer).check();
  // The table renders the days near the screen: bring it into view.
  await office.locator('#integrated-rows').scrollIntoViewIfNeeded();
  await reviewer.locator('#integrated-rows').scrollIntoViewIfNeeded();
  const undecided = office.locator('#integrated-rows tr.group-row', { hasText: 'Undecided' }).first();
  const label = (await undecided.locator('strong').first().innerText()).match(/group (\d+)/);
  expect(label, 'an undecided duplicate group in the demo').not.toBeNull();
  const n = label![1];
  const theirs = reviewer.locator('#integrated-rows tr.group-row', { hasText: `Probable duplicate group ${n}:` });
  await expect(theirs).toContainText('Undecided');

  await undecided.getByRole('button', { name: /^Reject/ }).click();
  // The reviewer's page changes by itself.
  await expect(theirs).toContainText('Not a duplicate');
  await expectAccessible(reviewer);

  // The office leaves; the reviewer is told.
  await office.context().close();
  await expect(reviewer.locator('#viewers')).toHaveText('Nobody else has this chronology open.');
  await reviewer.context().close();
});

test('a stale save shows both versions to choose from', async ({ browser, request }) => {
  const id = await reviewId(request, 'SCR-2016-03');
  const path = `/reviews/${id}/chronology`;
  // The office reopens the police return so it can be edited.
  const office = await open(browser, 'office@demo.example', path);
  const returns = office.locator('table').filter({ has: office.locator('caption', { hasText: 'Returns from member agencies' }) });
  const reopen = returns.getByRole('button', { name: 'Reopen the POL return' });
  if (await reopen.count()) {
    await reopen.click();
    await expect(returns.locator('tr', { hasText: 'POL' })).toContainText('Reopened');
  }
  await office.context().close();

  // The same representative in two windows edits the same entry.
  const first = await open(browser, 'police.rep@demo.example', path);
  const second = await open(browser, 'police.rep@demo.example', path);
  for (const page of [first, second]) {
    await page.getByRole('button', { name: /^Edit/ }).first().click();
    await expect(page.getByRole('heading', { name: 'Edit the entry' })).toBeVisible();
  }
  await first.locator('#edit-event').fill('Saved first, from the first window');
  await first.getByRole('button', { name: 'Save changes' }).click();
  await expect(first.getByRole('heading', { name: 'Edit the entry' })).toHaveCount(0);

  await second.locator('#edit-event').fill('Saved second, from a stale window');
  await second.getByRole('button', { name: 'Save changes' }).click();
  const conflict = second.getByRole('heading', { name: 'Someone else saved this entry while you were editing it' });
  await expect(conflict).toBeVisible();
  await expect(conflict).toBeFocused();
  await expect(second.locator('.conflict')).toContainText('Saved first, from the first window');
  await expect(second.locator('.conflict')).toContainText('Saved second, from a stale window');
  await expectAccessible(second);
  await second.getByRole('button', { name: 'Use the saved version' }).click();
  await expect(second.getByText('The saved version was kept.')).toBeVisible();
  await first.context().close();
  await second.context().close();
});

test('the glossary anonymises the view; the timeline, exports and printable page', async ({ browser, request }) => {
  const id = await reviewId(request, 'SCR-2016-03');
  const page = await open(browser, 'reviewer@demo.example', `/reviews/${id}/chronology`);

  // A glossary term, then the anonymised view.
  const glossary = page.getByRole('region', { name: 'Glossary', exact: true });
  // The demo glossary already replaces the child's name; the reviewer adds the mother's.
  await expect(glossary.locator('table')).toContainText('Lily');
  await glossary.getByLabel('Real name or identifier').fill('Karen Harper');
  await glossary.getByLabel('Replaced by').fill('Mother');
  await glossary.getByRole('button', { name: 'Add to the glossary' }).click();
  await expect(glossary.getByRole('status')).toContainText('added to the glossary');
  await expect(glossary.locator('table')).toContainText('Karen Harper');
  await expectAccessible(page);
  const rows = page.locator('#integrated-rows');
  await rows.scrollIntoViewIfNeeded();
  await expect(rows).toContainText('Lily');
  await page.getByRole('group', { name: 'Names' }).first().getByLabel('Anonymised (glossary)').check();
  await expect(rows).toContainText('Child A');
  await expect(rows).not.toContainText('Lily');

  // The timeline: one tab stop, arrows move between entries, Enter opens the details.
  await page.getByRole('group', { name: 'View' }).getByLabel('Timeline').check();
  const timeline = page.getByRole('region', { name: /timeline/i });
  await expect(timeline).toBeVisible();
  await expectAccessible(page);
  await timeline.focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.locator('#timeline-current')).toContainText(/Entry \d+ of \d+/);
  await page.keyboard.press('+');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Entry details' })).toBeFocused();
  await page.getByRole('button', { name: 'Show every saved version' }).click();
  await expect(page.locator('ol.history li').first()).toContainText('Version 1');
  await expectAccessible(page);

  // Exports default to anonymised.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('SCR-2016-03-integrated-chronology-anonymised.xlsx');
  const xlsx = fs.readFileSync(await download.path());
  expect(xlsx.subarray(0, 2).toString()).toBe('PK');
  await page.getByRole('group', { name: 'Format' }).getByLabel('CSV').check();
  const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download' }).click()]);
  const text = fs.readFileSync(await csv.path(), 'utf8');
  expect(text).toContain('"Agency","Seq","Start Date"');
  expect(text).toContain('Child A');
  expect(text).not.toContain('Lily');
  expect(text).not.toContain('Karen Harper');

  // The printable page lists every entry.
  await page.getByRole('link', { name: 'Printable page' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Integrated chronology: SCR-2016-03');
  await expect(page.getByText('Anonymised version.')).toBeVisible();
  await expect(page.locator('table.print-table tbody tr').first()).toBeVisible();
  await expect(page.locator('table.print-table')).toContainText('Child A');
  await expect(page.locator('table.print-table')).not.toContainText('Lily');
  await expectAccessible(page);
  await page.context().close();
});

test('a second agency submits by typing and the office sees it arrive without reloading', async ({ browser, request }) => {
  const id = await reviewId(request, 'SCR-2016-03');
  const path = `/reviews/${id}/chronology`;
  const office = await open(browser, 'office@demo.example', path);
  // What the office's page reads from here on: live changes arrive as patches of the
  // entries they touched, never as a read of the whole chronology.
  const operations: string[] = [];
  office.on('request', (r) => {
    if (r.url().endsWith('/graphql') && r.method() === 'POST') {
      operations.push(r.postDataJSON()?.operationName ?? '');
    }
  });
  const search = office.getByLabel('Search the entries');
  const rows = office.locator('#integrated-rows');
  await search.fill('Lily seen');
  await rows.scrollIntoViewIfNeeded();
  await expect(rows).toContainText('Home visit by social worker; mother anxious; Lily seen');
  const returns = office.locator('table').filter({ has: office.locator('caption', { hasText: 'Returns from member agencies' }) });
  await returns.getByRole('button', { name: 'Reopen the CSC return' }).click();
  await expect(returns.locator('tr', { hasText: 'CSC' })).toContainText('Reopened');
  // CSC's entries leave the integrated chronology.
  await expect(office.getByText('No entries match the filters.')).toBeVisible();

  // Children's social care (the lead reviewer keeps its return) adds an entry by keyboard.
  const csc = await open(browser, 'reviewer@demo.example', path);
  await expect(csc.getByRole('heading', { level: 2, name: "Your agency's return" })).toBeVisible();
  const add = csc.getByRole('form', { name: 'Add an entry' });
  await add.getByLabel('Date', { exact: true }).focus();
  await csc.keyboard.type('24/05/2016');
  await csc.keyboard.press('Tab');
  await csc.keyboard.type('10:00');
  await csc.keyboard.press('Tab');
  await csc.keyboard.type('CSC-VIS-106');
  await csc.keyboard.press('Tab');
  await csc.keyboard.type('Home visit');
  await csc.keyboard.press('Tab');
  await csc.keyboard.type('Home visit after the conference; Lily seen and well');
  await csc.keyboard.press('Control+Enter');
  const own = csc.locator('table').filter({ has: csc.locator('caption', { hasText: /entries/ }) }).first();
  await expect(own).toContainText('CSC-VIS-106');
  await csc.getByRole('button', { name: 'Submit return' }).click();
  await csc.getByRole('button', { name: 'Yes, submit the return' }).click();
  await expect(csc.getByText(/^Return submitted\. Its entries can no longer be changed/)).toBeVisible();

  // The office's page follows by itself: the return submitted, its entries back with the
  // new one, each in its place.
  await expect(returns.locator('tr', { hasText: 'CSC' })).toContainText('Submitted');
  await rows.scrollIntoViewIfNeeded();
  await expect(rows).toContainText('Home visit after the conference; Lily seen and well');
  await expect(rows).toContainText('Home visit by social worker; mother anxious; Lily seen');
  const visits = await rows.locator('td', { hasText: /Lily seen/ }).allInnerTexts();
  expect(visits.findIndex((t) => t.includes('mother anxious'))).toBeLessThan(
    visits.findIndex((t) => t.includes('after the conference')),
  );
  expect(operations).toContain('IntegratedChanges');
  expect(operations).not.toContain('Chronology');
  await expectAccessible(office);
  await office.context().close();
  await csc.context().close();
});

test('the timeline zooms on the current entry or the pointer, and tells agencies apart by shape', async ({
  browser,
  request,
}) => {
  const id = await reviewId(request, 'SCR-2016-03');
  const page = await open(browser, 'reviewer@demo.example', `/reviews/${id}/chronology`);
  await page.getByRole('group', { name: 'View' }).getByLabel('Timeline').check();
  const timeline = page.getByRole('region', { name: /timeline/i });
  await expect(timeline).toBeVisible();
  await timeline.scrollIntoViewIfNeeded();

  // The legend: each agency's shape (hidden from screen readers) in its colour, and in words.
  const agencies = page.locator('.tl-legend li.tl-agency');
  const lanes = await agencies.count();
  expect(lanes).toBeGreaterThan(1);
  const shapes: string[] = [];
  for (let i = 0; i < lanes; i++) {
    const svg = agencies.nth(i).locator('svg.tl-shape');
    await expect(svg).toHaveAttribute('aria-hidden', 'true');
    shapes.push((await svg.getAttribute('data-shape')) ?? '');
    await expect(agencies.nth(i)).toContainText(`${shapes[i]} marks`);
  }
  expect(new Set(shapes.slice(0, 6)).size).toBe(Math.min(lanes, 6));
  expect(shapes[0]).toBe('circle');
  expect(shapes[1]).toBe('square');
  await expectAccessible(page);

  // A middle entry is current; zooming in and out keeps it where it was on screen.
  await timeline.focus();
  await page.keyboard.press('End');
  const live = page.locator('#timeline-current');
  const total = Number((await live.textContent())?.match(/of (\d+)/)?.[1] ?? '0');
  expect(total).toBeGreaterThan(2);
  for (let i = 0; i < Math.floor(total / 2); i++) await page.keyboard.press('ArrowLeft');
  const ringX = async () => {
    const box = await page.locator('path.tl-ring').boundingBox();
    return box ? box.x + box.width / 2 : NaN;
  };
  const region = (await timeline.boundingBox())!;
  const zoomIn = page.getByRole('button', { name: 'Zoom in' });
  const zoomOut = page.getByRole('button', { name: 'Zoom out' });
  const svgWidth = () => page.locator('svg.tl-svg').evaluate((e) => e.getBoundingClientRect().width);
  let before = await ringX();
  expect(before).toBeGreaterThan(region.x);
  expect(before).toBeLessThan(region.x + region.width);
  for (const button of [zoomIn, zoomIn, zoomIn, zoomOut]) {
    const width = await svgWidth();
    await button.click();
    await expect.poll(svgWidth).not.toBe(width);
    await expect.poll(ringX).toBeGreaterThan(before - 3);
    await expect.poll(ringX).toBeLessThan(before + 3);
    before = await ringX();
  }

  // Ctrl + wheel zooms at the pointer: the date under it stays under it.
  const now = (await timeline.boundingBox())!;
  const x = now.x + now.width * 0.7;
  const y = now.y + 80;
  // The share of the dates' width (84 pixels of labels before, 56 after) under the pointer.
  const dateAt = () =>
    timeline.evaluate((el, px) => {
      const svg = el.querySelector('svg.tl-svg')!;
      const w = svg.getBoundingClientRect().width;
      const at = px - el.getBoundingClientRect().left - el.clientLeft + el.scrollLeft;
      return (at - 84) / (w - 84 - 56);
    }, x);
  await page.mouse.move(x, y);
  const share = await dateAt();
  const width = await svgWidth();
  await page.keyboard.down('Control');
  await page.mouse.wheel(0, -100);
  await page.keyboard.up('Control');
  await expect.poll(svgWidth).toBeGreaterThan(width * 1.5);
  await expect.poll(dateAt).toBeGreaterThan(share - 0.002);
  await expect.poll(dateAt).toBeLessThan(share + 0.002);
  await expectAccessible(page);

  await page.setViewportSize({ width: 390, height: 844 });
  await expect(timeline).toBeVisible();
  await expectAccessible(page);
  await page.context().close();
});
