// Browser test of the dashboard's team and settings pages in Debian's headless Chromium, against a
// running TrackFlow that has no account yet. Each person gets a fresh browser context (own storage):
//
//   owner:  first-run setup with the logged setup token, two sites, invites a viewer to one of them,
//           creates a password-protected share link and an API key (used, then revoked)
//   viewer: opens the invitation link, sets a password, sees only the site they were invited to,
//           changes their password
//   guest:  opens the share link, is asked for the password, sees the read-only dashboard
//
// Every page runs under TrackFlow's Content-Security-Policy: a violation or an uncaught exception on
// any of them fails the scenario.
//
// Run by server/src/test/java/io/trackflow/server/DashboardTeamBrowserIT.java, which starts TrackFlow
// and passes TRACKFLOW_URL, TRACKFLOW_SETUP_TOKEN and CHROMIUM_PATH.
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, watchProblems } from './browser.mjs';

const base = process.env.TRACKFLOW_URL;
const setupToken = process.env.TRACKFLOW_SETUP_TOKEN;
const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
assert.ok(base, 'TRACKFLOW_URL is required');
assert.ok(setupToken, 'TRACKFLOW_SETUP_TOKEN is required');

const TIMEOUT = 20_000;

const OWNER = { email: 'owner@team.test', password: 'owner password 1' };
const VIEWER = { email: 'viewer@team.test', password: 'viewer password 1', next: 'viewer password 2' };
const SHARE_PASSWORD = 'share password 1';
const siteA = 'invited.team.test';
const siteB = 'private.team.test';

/** The Stats API as a script would call it: plain HTTP from Node, no browser. */
async function api(method, path, { bearer, body } = {}) {
  const headers = { Accept: 'application/json' };
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  if (body) headers['Content-Type'] = 'application/json';
  const response = await fetch(`${base}${path}`, { method, headers, body: body ? JSON.stringify(body) : undefined });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

const visitors = (site) => ({ site_id: site, metrics: ['visitors'], date_range: '7d' });

function step(name) {
  console.log(`- ${name}`);
}

const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true });
const pages = [];
try {
  const person = async (label) => {
    const context = await browser.newContext();
    context.setDefaultTimeout(TIMEOUT);
    // CSP violations and uncaught exceptions. Other console errors are expected here: the scenario
    // provokes 401s, 403s and 404s, which Chromium logs as "Failed to load resource".
    const watched = await watchProblems(context, { consoleErrors: false });
    const page = await context.newPage();
    watched.watch(page, label);
    pages.push({ page, problems: watched.problems });
    return page;
  };

  step('first run: the dashboard offers to create the owner account, with the setup token');
  const owner = await person('owner');
  await owner.goto(`${base}/`);
  await owner.waitForURL('**/setup');
  await owner.getByLabel('Setup token').fill('not the token');
  await owner.getByLabel('Email').fill(OWNER.email);
  await owner.getByLabel('Password').fill(OWNER.password);
  await owner.getByRole('button', { name: 'Create account' }).click();
  await owner.getByText('wrong setup token').waitFor();
  await owner.getByLabel('Setup token').fill(setupToken);
  await owner.getByRole('button', { name: 'Create account' }).click();
  await owner.waitForURL('**/sites');
  for (const domain of [siteA, siteB]) {
    await owner.getByLabel('Domain', { exact: true }).fill(domain);
    await owner.getByRole('button', { name: 'Add site' }).click();
    await owner.getByText(`${domain} was added.`).waitFor();
  }

  step('invite: the owner invites the viewer to one site and gets the link once');
  await owner.goto(`${base}/${siteA}/settings`);
  await owner.getByLabel('Email to invite').fill(VIEWER.email);
  await owner.getByRole('button', { name: 'Invite', exact: true }).click();
  const inviteLink = await owner.getByLabel(`Invitation link for ${VIEWER.email}`).inputValue();
  assert.match(inviteLink, new RegExp(`^${base}/invite#[A-Za-z0-9_-]{43}$`));
  await owner.locator(`[data-invitation="${VIEWER.email}"]`).waitFor();

  step('accept in a second browser context: set a password, see only the invited site');
  const viewer = await person('viewer');
  await viewer.goto(inviteLink);
  await viewer.getByText(`You are invited to`).waitFor();
  await viewer.getByLabel('Choose a password').fill(VIEWER.password);
  await viewer.getByRole('button', { name: 'Create account and join' }).click();
  await viewer.waitForURL(`**/${siteA}`);
  await viewer.goto(`${base}/sites`);
  await viewer.getByRole('link', { name: siteA }).waitFor();
  assert.equal(await viewer.getByRole('link', { name: siteB }).count(), 0, 'the other site is not listed');
  const viewerSites = await viewer.evaluate(async () => {
    const r = await fetch('/api/sites', { headers: { Authorization: `Bearer ${localStorage.getItem('tf.token')}` } });
    return (await r.json()).map((s) => `${s.domain}:${s.role}`);
  });
  assert.deepEqual(viewerSites, [`${siteA}:viewer`]);
  await viewer.goto(`${base}/${siteB}`);
  await viewer.getByText(`You have no access to ${siteB}`).waitFor();
  await viewer.goto(`${base}/${siteA}/settings`);
  await viewer.getByText(`You are a viewer of ${siteA}`).waitFor();

  step('the invitation link works once');
  const late = await person('late');
  await late.goto(inviteLink);
  await late.getByText('already accepted').waitFor();
  await owner.reload();
  await owner.locator(`[data-member="${VIEWER.email}"]`).waitFor();
  assert.equal(await owner.locator(`[data-invitation="${VIEWER.email}"]`).count(), 0, 'no longer pending');

  step('user administration: the owner, an instance administrator, sees both users');
  await owner.goto(`${base}/admin/users`);
  await owner.locator(`[data-user="${VIEWER.email}"]`).waitFor();
  await owner.locator(`[data-user="${OWNER.email}"]`).waitFor();
  await owner.goto(`${base}/${siteA}/settings`);

  step('share link with a password: refused without it, shown with it');
  await owner.getByLabel('Label').fill('Board');
  await owner.getByLabel('Password (optional)').fill(SHARE_PASSWORD);
  await owner.getByRole('button', { name: 'Create link' }).click();
  const shareLink = await owner.getByLabel('New share link').inputValue();
  const shareToken = new URL(shareLink).searchParams.get('auth');
  const locked = await api('GET', `/api/sites/${siteA}/realtime?auth=${encodeURIComponent(shareToken)}`);
  assert.equal(locked.status, 401);
  assert.equal(locked.body.code, 'share_password_required');
  const guest = await person('guest');
  await guest.goto(shareLink);
  await guest.getByText('This link is protected by a password.').waitFor();
  await guest.getByLabel('Password').fill('not the password');
  await guest.getByRole('button', { name: 'View dashboard' }).click();
  await guest.getByText('Wrong password.').waitFor();
  await guest.getByLabel('Password').fill(SHARE_PASSWORD);
  await guest.getByRole('button', { name: 'View dashboard' }).click();
  await guest.getByText('Shared dashboard · read-only').waitFor();
  await guest.getByText('Unique visitors').first().waitFor();

  step('API key: created (shown once), used like curl would, revoked');
  await owner.goto(`${base}/settings`);
  await owner.getByLabel('Key name').fill('reporting');
  await owner.getByLabel(siteA).check();
  await owner.getByRole('button', { name: 'Create key' }).click();
  const key = await owner.getByLabel('API key reporting').inputValue();
  assert.match(key, /^tf_/);
  const used = await api('POST', '/api/v2/query', { bearer: key, body: visitors(siteA) });
  assert.equal(used.status, 200, JSON.stringify(used.body));
  assert.equal((await api('POST', '/api/v2/query', { bearer: key, body: visitors(siteB) })).status, 404);
  await owner.reload();
  await owner.locator('[data-key="reporting"]').getByText('last used just now').waitFor();
  await owner.locator('[data-key="reporting"]').getByRole('button', { name: 'Revoke' }).click();
  await owner.locator('[data-key="reporting"]').waitFor({ state: 'detached' });
  const revoked = await api('POST', '/api/v2/query', { bearer: key, body: visitors(siteA) });
  assert.equal(revoked.status, 401);

  step('password change: the viewer stays signed in; the old password no longer signs in');
  await viewer.goto(`${base}/settings`);
  await viewer.getByLabel('Current password').fill(VIEWER.password);
  await viewer.getByLabel('New password').fill(VIEWER.next);
  await viewer.getByRole('button', { name: 'Change password' }).click();
  await viewer.getByText('Password changed.').waitFor();
  await viewer.reload();
  await viewer.getByText(`Signed in as ${VIEWER.email}`).waitFor();
  const oldLogin = await api('POST', '/api/auth/login', { body: { email: VIEWER.email, password: VIEWER.password } });
  assert.equal(oldLogin.status, 401);
  const newLogin = await api('POST', '/api/auth/login', { body: { email: VIEWER.email, password: VIEWER.next } });
  assert.equal(newLogin.status, 200);

  assert.deepEqual(pages.flatMap((p) => p.problems), [], 'no CSP violation or uncaught exception on any page');
  console.log('team and settings scenario passed, with no CSP violation or uncaught exception');
} catch (error) {
  const seen = pages.flatMap((p) => p.problems);
  if (seen.length > 0) error.message += `\nwhat the browser reported:\n${seen.join('\n')}`;
  // What each person was looking at when the scenario failed.
  for (const { page } of pages) {
    const text = await page.locator('body').innerText().catch(() => '(unreadable)');
    console.log(`--- ${page.url()}\n${text.slice(0, 800)}`);
  }
  throw error;
} finally {
  await browser.close();
}
