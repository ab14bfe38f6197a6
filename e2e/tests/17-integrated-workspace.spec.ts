import { expect, Page, test } from '@playwright/test';
import { BASE_URL, dateGroup, expectAccessible, expectDate, fillDate, graphql, PASSWORD, reviewId, signIn, visit } from './helpers';

// The integrated chronology as a workspace: read in full without opening entries, duplicate
// groups decided from their evidence, filters kept in the address, cards on a phone.

/** Scrolls the page from the table's top until `text` is rendered in the table. */
async function scrollTo(page: Page, text: string) {
  const table = page.locator('#integrated-rows');
  await table.evaluate((el) => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY));
  const found = table.locator('.entry-text', { hasText: text }).first();
  for (let step = 0; step < 200 && (await found.count()) === 0; step++) {
    await page.evaluate(() => window.scrollBy(0, window.innerHeight * 0.8));
    await page.waitForTimeout(60);
  }
  await found.scrollIntoViewIfNeeded();
  return found;
}

/** The entry texts the page has rendered so far, with whether any is cut short. */
async function renderedTexts(page: Page): Promise<{ text: string; clipped: boolean }[]> {
  return page.locator('#integrated-rows .entry-text').evaluateAll((els) =>
    els.map((el) => {
      const style = getComputedStyle(el);
      const cell = el.closest('td') as HTMLElement;
      return {
        text: (el as HTMLElement).innerText,
        clipped:
          style.textOverflow === 'ellipsis' ||
          el.scrollWidth > el.clientWidth + 1 ||
          cell.scrollWidth > cell.clientWidth + 1 ||
          getComputedStyle(cell).textOverflow === 'ellipsis',
      };
    }),
  );
}

test('a reviewer reads the whole integrated chronology on one page, without opening entries', async ({ page, request }) => {
  const id = await reviewId(request, 'SCR-2016-03');
  const body = await graphql(request, 'query($id: ID!) { review(id: $id) { integratedChronology { entries { event } } } }', { id });
  const events: string[] = body.data.review.integratedChronology.entries.map((e: { event: string }) => e.event);
  const longest = events.reduce((a, b) => (b.length > a.length ? b : a), '');

  await page.setViewportSize({ width: 1280, height: 800 });
  await signIn(page, 'reviewer@demo.example');
  await visit(page, `/reviews/${id}/chronology`);
  const table = page.locator('#integrated-rows');
  await expect(page.locator('#integrated-count')).toHaveText(`Showing ${events.length} of ${events.length} entries.`);
  // The whole window's width, not a ~1,000 px column; filters beside the table.
  const box = (await table.boundingBox())!;
  const filters = (await page.locator('.workspace-filters').boundingBox())!;
  expect(box.width).toBeGreaterThan(850);
  expect(filters.x + filters.width).toBeLessThanOrEqual(box.x);
  expect(box.x + box.width).toBeGreaterThan(1200);
  // Grouped by day.
  await table.scrollIntoViewIfNeeded();
  await expect(table.locator('tr.day-row th').first()).toHaveText(/\d{1,2} [A-Z][a-z]+ \d{4}|\d{4}/);

  // Scrolling the page (not a box) through the table: every text in full, headings in view.
  const seen = new Set<string>();
  for (let step = 0; step < 200; step++) {
    for (const t of await renderedTexts(page)) {
      expect(t.clipped, `cut short: ${t.text}`).toBe(false);
      seen.add(t.text);
    }
    const atEnd = await page.evaluate(() => {
      const before = window.scrollY;
      window.scrollBy(0, window.innerHeight * 0.8);
      return window.scrollY === before;
    });
    await page.waitForTimeout(60);
    if (atEnd) break;
    const head = (await table.locator('thead th').first().boundingBox())!;
    const top = (await table.boundingBox())!;
    if (top.y < 0 && top.y + top.height > 200) {
      expect(Math.abs(head.y), 'the headings stay at the top of the window').toBeLessThan(2);
    }
  }
  for (const e of events) {
    expect([...seen].some((t) => t.includes(e.trim().slice(0, 60))), `read: ${e}`).toBe(true);
  }
  // The longest entry, in full and on screen.
  const long = await scrollTo(page, longest.slice(0, 60));
  await expect(long).toBeVisible();
  expect((await long.innerText()).trim()).toBe(longest.trim());
  // The page never scrolls sideways.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
  await expectAccessible(page);
});

test('a lead reviewer confirms a duplicate group from its evidence, its versions side by side', async ({ page, request, playwright }) => {
  const id = await reviewId(request, 'SCR-2016-03');
  // A joint home visit that children's social care and the police each recorded in their own
  // words (earlier journeys decide the demo's groups and replace the police return, so this
  // journey makes its own): the office reopens both returns, each agency adds its entry and
  // submits.
  const visit1 = {
    startDate: '21/06/2016',
    startTime: '11:00',
    source: 'CSC-JV-310',
    eventType: 'Joint visit',
    event: 'Joint home visit with police officer; Lily seen alone in her bedroom, said she felt safe',
    actionTaken: 'Safety plan reviewed with mother',
    sharedWith: [],
  };
  const visit2 = {
    startDate: '21/06/2016',
    startTime: '11:10',
    source: 'POL-JV-210',
    eventType: 'Home visit',
    event: 'Officer accompanied the allocated social worker to the family address; child spoken to, no injuries seen',
    actionTaken: 'No further police action',
    sharedWith: [],
  };
  for (const [email, entry] of [
    ['reviewer@demo.example', visit1],
    ['police.rep@demo.example', visit2],
  ] as const) {
    const agent = await playwright.request.newContext({ baseURL: BASE_URL });
    await graphql(agent, 'mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { id } }', { e: email, p: PASSWORD });
    const mine = await graphql(agent, 'query($id: ID!) { review(id: $id) { myChronologyReturn { id status } } }', { id });
    const ret = mine.data.review.myChronologyReturn;
    if (ret.status === 'SUBMITTED') {
      const reopened = await graphql(request, 'mutation($r: ID!) { reopenChronologyReturn(returnId: $r) { id } }', { r: ret.id });
      expect(reopened.errors, JSON.stringify(reopened.errors)).toBeUndefined();
    }
    const added = await graphql(agent, 'mutation($r: ID!, $i: EntryInput!) { addChronologyEntry(returnId: $r, input: $i) { id } }', {
      r: ret.id,
      i: entry,
    });
    expect(added.errors, JSON.stringify(added.errors)).toBeUndefined();
    const submitted = await graphql(agent, 'mutation($r: ID!) { submitChronologyReturn(returnId: $r) { id } }', { r: ret.id });
    expect(submitted.errors, JSON.stringify(submitted.errors)).toBeUndefined();
    await agent.dispose();
  }
  await signIn(page, 'reviewer@demo.example');
  await visit(page, `/reviews/${id}/chronology`);
  await page.getByRole('group', { name: 'Show only entries' }).getByLabel('In a probable duplicate group').check();
  const table = page.locator('#integrated-rows');
  await table.scrollIntoViewIfNeeded();
  const group = table.locator('tr.group-row', { hasText: 'Undecided' }).first();
  await expect(group).toBeVisible();
  // The evidence in words, and each agency's version beside the others.
  await expect(group.locator('.group-why')).toContainText('Why they look like one event:');
  expect(await group.locator('.group-why li').count()).toBeGreaterThan(0);
  const versions = group.locator('.versions > li');
  expect(await versions.count()).toBeGreaterThan(1);
  const [a, b] = [(await versions.nth(0).boundingBox())!, (await versions.nth(1).boundingBox())!];
  expect(Math.abs(a.y - b.y), 'versions side by side').toBeLessThan(2);
  expect(b.x).toBeGreaterThan(a.x + a.width - 1);
  await expectAccessible(page);

  const title = await group.locator('strong').first().innerText();
  const n = title.match(/group (\d+)/)![1];
  await group.getByRole('button', { name: /^Confirm/ }).click();
  await expect(page.getByRole('status').filter({ hasText: `Duplicate group ${n} confirmed.` })).toBeVisible();
  const decided = table.locator('tr.group-row', { hasText: `Probable duplicate group ${n}:` });
  await expect(decided).toContainText('Confirmed duplicate');
  await expect(decided.getByRole('button', { name: /^Confirm/ })).toHaveCount(0);
  await expectAccessible(page);
});

test('filters are kept in the address: the link opens the same filtered view; Clear filters', async ({ page, request }) => {
  const id = await reviewId(request, 'SCR-2016-03');
  await signIn(page, 'reviewer@demo.example');
  await visit(page, `/reviews/${id}/chronology`);
  const count = page.locator('#integrated-count');
  const total = Number((await count.innerText()).match(/of (\d+) entries/)![1]);
  expect(total).toBeGreaterThan(5);

  // One agency's long entry: its agency, a word of it and its day as filters.
  const body = await graphql(request, 'query($id: ID!) { review(id: $id) { integratedChronology { entries { event startOn agency { prefix } } } } }', { id });
  const entries: { event: string; startOn: string; agency: { prefix: string } }[] = body.data.review.integratedChronology.entries;
  const entry = entries.reduce((a, b) => (b.event.length > a.event.length ? b : a));
  const word = entry.event.split(/[^A-Za-z]+/).reduce((a, b) => (b.length > a.length ? b : a), '').toLowerCase();
  const agencies = page.getByRole('group', { name: 'Agencies' });
  await agencies.getByRole('checkbox', { name: new RegExp(`^${entry.agency.prefix} `) }).check();
  await expect(page).toHaveURL(new RegExp(`[?&]agency=${entry.agency.prefix}`));
  const byAgency = Number((await count.innerText()).match(/Showing (\d+) of/)![1]);
  expect(byAgency).toBeLessThan(total);
  await fillDate(page, 'From', entry.startOn);
  await page.getByLabel('Search the entries').fill(word);
  await expect(page).toHaveURL(new RegExp(`[?&]q=${word}`));
  await expect(page).toHaveURL(new RegExp(`[?&]from=${entry.startOn}`));
  const shown = (await count.innerText()).trim();
  expect(shown).toMatch(new RegExp(`^Showing [1-9]\\d* of ${total} entries\\.$`));
  const link = page.url();
  await expectAccessible(page);

  // The shared link, in another window, gives the same view.
  const other = await page.context().newPage();
  await other.goto(link);
  await expect(other.locator('#integrated-count')).toHaveText(shown);
  await expect(other.getByLabel('Search the entries')).toHaveValue(word);
  await expectDate(other, 'From', entry.startOn);
  await expect(other.getByRole('group', { name: 'Agencies' }).getByRole('checkbox', { name: new RegExp(`^${entry.agency.prefix} `) })).toBeChecked();
  await other.locator('#integrated-rows').scrollIntoViewIfNeeded();
  await expect(other.locator('#integrated-rows .entry-text', { hasText: entry.event.slice(0, 60) }).first()).toBeVisible();
  await other.close();

  // Clear filters: every entry again, and a plain address.
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await expect(count).toHaveText(`Showing ${total} of ${total} entries.`);
  await expect(page).not.toHaveURL(/\?/);
  await expect(page.getByLabel('Search the entries')).toHaveValue('');
  for (const name of ['Day', 'Month', 'Year']) await expect(dateGroup(page, 'From').getByLabel(name, { exact: true })).toHaveValue('');
  await expect(agencies.getByRole('checkbox', { name: new RegExp(`^${entry.agency.prefix} `) })).not.toBeChecked();
});

test('on a 390 px phone each entry is a card and the page never scrolls sideways', async ({ page, request }) => {
  const id = await reviewId(request, 'SCR-2016-03');
  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page, 'reviewer@demo.example');
  await visit(page, `/reviews/${id}/chronology`);
  const table = page.locator('#integrated-rows');
  await table.scrollIntoViewIfNeeded();
  const card = table.locator('tr.entry-row').first();
  await expect(card).toBeVisible();
  await expect(card).toHaveCSS('display', 'block');
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  for (const t of await renderedTexts(page)) expect(t.clipped, `cut short: ${t.text}`).toBe(false);
  await expectAccessible(page);
  // Down the page, with the duplicate groups too.
  await page.getByRole('group', { name: 'Show only entries' }).getByLabel('In a probable duplicate group').check();
  await table.scrollIntoViewIfNeeded();
  await expect(table.locator('tr.group-row').first()).toBeVisible();
  await page.evaluate(() => window.scrollBy(0, 2000));
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await expectAccessible(page);
});

test('5,000 entries: only the days near the screen are rendered, and the page scrolls to the end', async ({ page, request }) => {
  test.setTimeout(180_000);
  // The lead reviewer's agency (children's social care) returns 5,000 entries on the rapid
  // review (its own review: the other journeys keep their small one).
  const id = await reviewId(request, 'RR-2026-01');
  await graphql(request, 'mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { id } }', { e: 'reviewer@demo.example', p: PASSWORD });
  const mine = await graphql(request, 'query($id: ID!) { review(id: $id) { myChronologyReturn { id status } } }', { id });
  const ret = mine.data.review.myChronologyReturn;
  if (ret.status !== 'SUBMITTED') {
    const lines = ['Start Date,Start Time,Source of Information,Event Type,Event,Action Taken'];
    for (let i = 0; i < 5000; i++) {
      const day = new Date(Date.UTC(2020, 0, 1) + Math.floor(i / 3) * 86_400_000);
      const d = `${String(day.getUTCDate()).padStart(2, '0')}/${String(day.getUTCMonth() + 1).padStart(2, '0')}/${day.getUTCFullYear()}`;
      const time = `${String(8 + (i % 3) * 3).padStart(2, '0')}:00`;
      const words = 'Visit to the family home by the allocated social worker; the children were seen and spoken to alone about school, food and sleep'.repeat(1 + (i % 4));
      lines.push(`${d},${time},CSC-${i},Home visit,Entry ${i}: ${words},Recorded`);
    }
    const content = Buffer.from(lines.join('\n') + '\n').toString('base64');
    const imported = await graphql(request, 'mutation($r: ID!, $c: String!) { confirmChronologyImport(returnId: $r, fileName: "big.csv", contentBase64: $c) { id } }', { r: ret.id, c: content });
    expect(imported.errors, JSON.stringify(imported.errors)).toBeUndefined();
    const submitted = await graphql(request, 'mutation($r: ID!) { submitChronologyReturn(returnId: $r) { id } }', { r: ret.id });
    expect(submitted.errors, JSON.stringify(submitted.errors)).toBeUndefined();
  }

  await page.setViewportSize({ width: 1280, height: 800 });
  await signIn(page, 'reviewer@demo.example');
  const started = Date.now();
  await page.goto(`/reviews/${id}/chronology`);
  await expect(page.locator('#integrated-count')).toHaveText('Showing 5000 of 5000 entries.', { timeout: 30_000 });
  console.log(`5,000 entries: count shown after ${Date.now() - started} ms`);
  const table = page.locator('#integrated-rows');
  await table.scrollIntoViewIfNeeded();
  const rendered = async () => table.locator('tr.entry-row').count();
  await expect.poll(rendered).toBeGreaterThan(0);
  expect(await rendered()).toBeLessThan(200);
  // To the end of the table (heights are measured as days come near, so aim again until there).
  const end = Date.now();
  const last = table.locator('.entry-text', { hasText: 'Entry 4999:' });
  await expect
    .poll(async () => {
      await table.evaluate((el) => window.scrollTo(0, el.getBoundingClientRect().bottom + window.scrollY - window.innerHeight));
      return last.count();
    })
    .toBe(1);
  await expect(last).toBeVisible();
  console.log(`5,000 entries: the last shown ${Date.now() - end} ms after jumping to the end`);
  // Once measured, the screen is filled: the rows rendered reach from above its top to its bottom.
  await expect
    .poll(() =>
      table.evaluate((el) => {
        const rows = [...el.querySelectorAll('tr.entry-row')].map((r) => r.getBoundingClientRect());
        const box = el.getBoundingClientRect();
        return rows.length > 0 && rows[0].top <= 0 && rows[rows.length - 1].bottom >= Math.min(window.innerHeight, box.bottom) - 60;
      }),
    )
    .toBe(true);
  console.log(`5,000 entries: ${await rendered()} rows in the document at the end`);
  expect(await rendered()).toBeLessThan(200);
  // And back to the middle of the table.
  await table.evaluate((el) => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY + el.offsetHeight / 2));
  await expect.poll(rendered).toBeGreaterThan(0);
  expect(await rendered()).toBeLessThan(200);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
});
