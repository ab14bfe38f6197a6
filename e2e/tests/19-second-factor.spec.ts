import { APIRequestContext, expect, Page, test } from '@playwright/test';
import { ChildProcess, spawn } from 'child_process';
import { createHmac } from 'crypto';
import * as path from 'path';
import { BASE_URL, expectAccessible, graphql, PASSWORD, signIn } from './helpers';

// Two-step verification and single sign-on in the browser: a person turns on an
// authenticator app and signs in with its codes and a recovery code; the business office
// requires it for a role and resets a person's; someone whose organisation has its own
// identity provider signs in with it (a real OpenID provider, started here).

/** RFC 4648 base32 to bytes. */
function base32(text: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of text.replace(/[\s=]/g, '').toUpperCase()) {
    bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  }
  const bytes: number[] = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

/** An authenticator app for one secret (RFC 6238: SHA-1, 6 digits, 30 s): each code it
 * gives is for a later time step than the last, as the server refuses a step used before
 * (it accepts one step either side of now). */
function authenticator(secret: string) {
  let last = 0;
  return () => {
    const step = Math.max(Math.floor(Date.now() / 30_000), last + 1);
    last = step;
    const counter = Buffer.alloc(8);
    counter.writeBigUInt64BE(BigInt(step));
    const mac = createHmac('sha1', base32(secret)).update(counter).digest();
    const offset = mac[mac.length - 1] & 0xf;
    return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
  };
}

/** A new person made by the business office through the API (password PASSWORD). */
async function newPerson(request: APIRequestContext, email: string, name: string, roles: string[]): Promise<string> {
  await graphql(request, 'mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { id } }', {
    e: 'office@demo.example',
    p: PASSWORD,
  });
  const agencies = await graphql(request, '{ agencies { id prefix } }');
  const school = agencies.data.agencies.find((a: { prefix: string }) => a.prefix === 'SCH');
  const made = await graphql(request, 'mutation($i: CreateUserInput!) { createUser(input: $i) { id } }', {
    i: { email, displayName: name, agencyId: school.id, roles, password: PASSWORD },
  });
  expect(made.errors, JSON.stringify(made.errors)).toBeUndefined();
  return made.data.createUser.id;
}

async function accessibleAtBothWidths(page: Page): Promise<void> {
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await expectAccessible(page);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

async function passwordFirst(page: Page, email: string): Promise<void> {
  await page.goto('/sign-in');
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();
}

/** Reads the set-up key from the page and confirms it with the app's code. */
async function setUpApp(page: Page): Promise<() => string> {
  const key = page.locator('#set-up-key');
  await expect(key).toBeVisible();
  const secret = (await key.getAttribute('data-secret'))!;
  expect(await key.innerText()).toBe(secret.match(/.{1,4}/g)!.join(' '));
  await expect(page.getByRole('img', { name: 'QR code to scan with the authenticator app' }).locator('svg')).toBeVisible();
  const app = authenticator(secret);
  await page.getByLabel('Code from the app').fill(app());
  await page.getByRole('button', { name: 'Turn on two-step verification' }).click();
  await expect(page.locator('#recovery-codes li')).toHaveCount(10);
  return app;
}

test('a person turns on two-step verification and signs in with a code, then a recovery code', async ({ page, request }) => {
  const email = `tess.${Date.now()}@demo.example`;
  await newPerson(request, email, 'Tess Twostep', ['PRACTITIONER']);
  await page.setViewportSize({ width: 1280, height: 900 });
  await signIn(page, email);
  await page.getByRole('link', { name: 'Tess Twostep' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Your account' })).toBeVisible();
  await expect(page.getByText(/^Off: you sign in with your password alone/)).toBeVisible();
  await expectAccessible(page);

  await page.getByRole('button', { name: 'Set up two-step verification' }).click();
  await expect(page.locator('#set-up-key')).toBeVisible();
  await accessibleAtBothWidths(page);
  // Not six digits, then six wrong ones: each said on the field.
  await page.getByLabel('Code from the app').fill('12345');
  await page.getByRole('button', { name: 'Turn on two-step verification' }).click();
  await expect(page.locator('#setup-code-error')).toContainText('Enter the 6 digits your authenticator app shows');
  const secret = (await page.locator('#set-up-key').getAttribute('data-secret'))!;
  const right = authenticator(secret)();
  await page.getByLabel('Code from the app').fill(String((Number(right) + 500_000) % 1_000_000).padStart(6, '0'));
  await page.getByRole('button', { name: 'Turn on two-step verification' }).click();
  await expect(page.locator('#setup-code-error')).toContainText('The code is not right');
  await expectAccessible(page);
  const app = await setUpApp(page);
  await expect(page.getByRole('status')).toContainText('Two-step verification is on.');
  const codes = await page.locator('#recovery-codes li').allInnerTexts();
  expect(codes.every((c) => /^[0-9a-z]{5}-[0-9a-z]{5}$/.test(c.trim())), codes.join(' ')).toBe(true);
  await accessibleAtBothWidths(page);
  await page.getByRole('button', { name: 'I have kept my codes' }).click();
  await expect(page.locator('.summary-list')).toContainText('Recovery codes left');
  await expect(page.locator('.summary-list dd').nth(1)).toHaveText('10');

  // The password alone no longer signs in: the code from the app does.
  await signOut(page);
  await passwordFirst(page, email);
  await expect(page.getByRole('heading', { level: 1, name: 'Two-step verification' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Sign out' })).toHaveCount(0);
  await accessibleAtBothWidths(page);
  await page.getByLabel('Code', { exact: true }).fill(app());
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();

  // Without the phone: a recovery code, once.
  await signOut(page);
  await passwordFirst(page, email);
  await page.getByLabel('Code', { exact: true }).fill(codes[0].toUpperCase());
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
  await signOut(page);
  await passwordFirst(page, email);
  await page.getByLabel('Code', { exact: true }).fill(codes[0]);
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.locator('#code-error')).toContainText('The code is not right');
  await expectAccessible(page);
  await page.getByLabel('Code', { exact: true }).fill(codes[1]);
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();

  // Turning it off asks first, and takes a code (here a recovery code).
  await page.goto('/account');
  await expect(page.locator('.summary-list dd').nth(1)).toHaveText('8');
  // (The app's next code would be two steps ahead of now, which the server refuses.)
  await page.getByLabel('Code from your authenticator app, or a recovery code').fill(codes[2]);
  await page.getByRole('button', { name: 'Turn off' }).click();
  const ask = page.getByRole('group', { name: 'Turn off two-step verification?' });
  await expect(ask.getByRole('button', { name: 'Yes, turn it off' })).toBeFocused();
  await expectAccessible(page);
  await ask.getByRole('button', { name: 'Yes, turn it off' }).click();
  await expect(page.getByRole('status')).toContainText('Two-step verification is off.');
  await expect(page.getByText(/^Off: you sign in with your password alone/)).toBeVisible();
  await signOut(page);
  await signIn(page, email);
});

test('the business office requires it for a role: a person sets it up while signing in; the office resets it', async ({ browser, page, request }) => {
  const email = `lee.${Date.now()}@demo.example`;
  await newPerson(request, email, 'Lee Required', ['AGENCY_LEAD']);
  try {
    await page.setViewportSize({ width: 1280, height: 900 });
    await signIn(page, 'office@demo.example');
    await page.goto('/users');
    const roles = page.getByRole('group', { name: 'Roles that must use two-step verification' });
    await roles.getByLabel('Agency lead').check();
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByRole('status')).toContainText('Saved. People with this role set it up at their next sign-in');
    await expect(page.getByRole('row', { name: /Lee Required/ })).toContainText('Off');
    await expectAccessible(page);

    // The person: password, then setting up before anything else.
    const context = await browser.newContext({ baseURL: BASE_URL });
    const person = await context.newPage();
    await passwordFirst(person, email);
    await expect(person.getByRole('heading', { level: 1, name: 'Set up two-step verification' })).toBeVisible();
    await expect(person.getByText('Your role requires two-step verification')).toBeVisible();
    await expect(person.getByRole('button', { name: 'Sign out' })).toHaveCount(0);
    await accessibleAtBothWidths(person);
    await setUpApp(person);
    await expect(person.getByRole('heading', { level: 1, name: 'Keep your recovery codes' })).toBeVisible();
    await expect(person.getByRole('status')).toContainText('you are signed in');
    await accessibleAtBothWidths(person);
    await person.getByRole('button', { name: 'Continue' }).click();
    await expect(person.getByRole('button', { name: 'Sign out' })).toBeVisible();
    await person.goto('/account');
    await expect(person.getByText(/requires two-step verification, so it cannot be turned off/)).toBeVisible();
    await expect(person.getByRole('button', { name: 'Turn off' })).toHaveCount(0);

    // The office resets it (a lost phone): asked first; the person is signed out.
    await page.reload();
    await expect(page.getByRole('row', { name: /Lee Required/ })).toContainText('On');
    await page.getByRole('link', { name: 'Lee Required' }).click();
    await page.getByRole('button', { name: 'Reset two-step verification' }).click();
    const ask = page.getByRole('group', { name: "Reset this person's two-step verification?" });
    await expect(ask.getByRole('button', { name: 'Yes, reset it' })).toBeFocused();
    await expectAccessible(page);
    await ask.getByRole('button', { name: 'Yes, reset it' }).click();
    await expect(page.getByRole('status')).toContainText('Two-step verification reset.');
    await person.reload();
    await expect(person.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();
    await context.close();
  } finally {
    await graphql(request, 'mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { id } }', {
      e: 'office@demo.example',
      p: PASSWORD,
    });
    await graphql(request, 'mutation { setSecondFactorRoles(roles: []) }');
  }
});

/** Starts the test OpenID provider (server/tests/oidc); its issuer URL. */
async function startProvider(): Promise<{ issuer: string; process: ChildProcess }> {
  const dir = path.join(__dirname, '..', '..', 'server', 'tests', 'oidc');
  const child = spawn('node', ['provider.mjs'], {
    cwd: dir,
    env: { ...process.env, REDIRECT_URI: `${BASE_URL}/auth/oidc/callback` },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const issuer = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      const found = out.match(/listening (http:\/\/\S+)/);
      if (found) resolve(found[1]);
    });
    child.on('exit', (code) => reject(new Error(`the OpenID provider stopped (${code})`)));
    setTimeout(() => reject(new Error('the OpenID provider did not start')), 20_000);
  });
  return { issuer, process: child };
}

/** Signs in at the provider's own pages as `login`, until it sends the browser back. */
async function atProvider(page: Page, login: string): Promise<void> {
  await page.waitForURL((url) => !url.href.startsWith(BASE_URL));
  for (let i = 0; i < 5 && !page.url().startsWith(BASE_URL); i++) {
    const form = page.locator('form').first();
    await form.waitFor();
    if (await page.locator('input[name=login]').count()) {
      await page.locator('input[name=login]').fill(login);
      await page.locator('input[name=password]').fill('anything');
    }
    await Promise.all([page.waitForNavigation(), form.locator('button[type=submit]').first().click()]);
  }
}

test("the business office adds an organisation's identity provider; its staff sign in with it", async ({ browser, page, request }) => {
  const domain = `northshire${Date.now()}.example`;
  const provider = await startProvider();
  try {
    await newPerson(request, `sam@${domain}`, 'Sam Single', ['PRACTITIONER']);

    // The office adds the provider on its page (from the Users page).
    await page.setViewportSize({ width: 1280, height: 900 });
    await signIn(page, 'office@demo.example');
    await page.goto('/users');
    await page.getByRole('link', { name: 'sign-in providers' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Sign-in providers' })).toBeVisible();
    await expect(page.locator('#redirect-uri')).toHaveText(`${BASE_URL}/auth/oidc/callback`);
    await accessibleAtBothWidths(page);
    await page.getByRole('button', { name: 'Add the provider' }).click();
    const summary = page.locator('.error-summary');
    await expect(summary).toContainText('Name is required');
    await expect(summary).toContainText('Email domains need at least one email domain');
    await expectAccessible(page);
    await page.getByLabel('Name', { exact: true }).fill('Northshire Council');
    await page.getByLabel('Issuer URL').fill(provider.issuer);
    await page.getByLabel('Client ID').fill('learning-platform');
    await page.getByLabel('Client secret').fill('test-client-secret');
    await page.getByLabel('Email domains').fill(`${domain.toUpperCase()}\n`);
    await page.getByRole('button', { name: 'Add the provider' }).click();
    await expect(page.getByRole('status')).toContainText('Northshire Council added.');
    const row = page.getByRole('row', { name: /Northshire Council/ });
    await expect(row).toContainText(domain);
    await expect(row).toContainText('learning-platform (secret kept)');
    await accessibleAtBothWidths(page);

    // Someone of the domain: the organisation's sign-in is offered beside the password.
    const context = await browser.newContext({ baseURL: BASE_URL });
    const person = await context.newPage();
    await person.setViewportSize({ width: 1280, height: 900 });
    await person.goto('/sign-in?next=%2Freviews');
    await person.getByLabel('Email address').fill('someone@demo.example');
    await person.waitForTimeout(600);
    await expect(person.getByRole('link', { name: "Sign in with your organisation's account" })).toHaveCount(0);
    await person.getByLabel('Email address').fill(`sam@${domain}`);
    const button = person.getByRole('link', { name: "Sign in with your organisation's account" });
    await expect(button).toBeVisible();
    await expect(person.getByText('Northshire Council signs in people with addresses like yours.')).toBeVisible();
    await accessibleAtBothWidths(person);
    await button.click();
    await atProvider(person, `sam@${domain}`);
    await expect(person.getByRole('button', { name: 'Sign out' })).toBeVisible();
    await expect(person.getByRole('link', { name: 'Sam Single' })).toBeVisible();
    await expect(person).toHaveURL(/\/reviews$/);
    await context.close();

    // Someone the platform has no account for (in a browser the provider has not seen):
    // back on the sign-in page, told why.
    const otherContext = await browser.newContext({ baseURL: BASE_URL });
    const other = await otherContext.newPage();
    await other.goto('/sign-in');
    await other.getByLabel('Email address').fill(`nobody@${domain}`);
    await other.getByRole('link', { name: "Sign in with your organisation's account" }).click();
    await atProvider(other, `nobody@${domain}`);
    await expect(other).toHaveURL(/\/sign-in\?sso_error=unknown_person/);
    await expect(other.locator('.error-summary')).toContainText('There is no account for that email address on this platform.');
    await expect(other.getByRole('button', { name: 'Sign out' })).toHaveCount(0);
    await expectAccessible(other);
    await otherContext.close();

    // The office removes the provider, after asking: the domain signs in with passwords.
    await page.getByRole('button', { name: 'Remove Northshire Council' }).click();
    const ask = page.getByRole('group', { name: 'Remove Northshire Council?' });
    await expect(ask.getByRole('button', { name: 'Yes, remove it' })).toBeFocused();
    await expectAccessible(page);
    await ask.getByRole('button', { name: 'Yes, remove it' }).click();
    await expect(page.getByRole('status')).toContainText('Northshire Council removed');
    await expect(page.getByRole('row', { name: /Northshire Council/ })).toHaveCount(0);
    const options = await graphql(request, 'query($e: String!) { signInOptions(email: $e) { singleSignOn } }', { e: `sam@${domain}` });
    expect(options.data.signInOptions.singleSignOn).toBe(false);
  } finally {
    provider.process.kill();
    await graphql(request, 'mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { id } }', {
      e: 'office@demo.example',
      p: PASSWORD,
    });
    const left = await graphql(request, '{ signInProviders { id domains } }');
    for (const p of left.data.signInProviders.filter((p: { domains: string[] }) => p.domains.includes(domain))) {
      await graphql(request, 'mutation($i: ID!) { deleteSignInProvider(id: $i) }', { i: p.id });
    }
  }
});
