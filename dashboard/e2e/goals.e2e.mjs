// Browser test of the dashboard's goals and funnels in Debian's headless Chromium, against a running
// TrackFlow that already holds the site's traffic (server/src/test/.../DashboardGoalsBrowserIT.java
// sends it and runs this script):
//
//   visitor A: /  -> /pricing -> Signup {plan: pro} -> Purchase 19.99 EUR
//   visitor B: /pricing -> Purchase 10 USD
//   visitor C: /  -> Signup {plan: free} -> Purchase 5.01 EUR (through the pixel)
//   visitor D: Signup {plan: pro} -> /pricing        (signed up before seeing the pricing page)
//
// As a user would: sign in, open the site's goals page, add the event goal "Signup", the page
// goal "/pricing" and the revenue goal "Purchase" in euros, add the funnel "Pricing to signup";
// then on the dashboard read the goal conversions (Signup: 3 uniques of 4 visitors, 75 %; Visit
// /pricing: 3; Purchase: 3, revenue €25.00 from A's and C's euros, €12.50 on average, B's
// dollars left out; filtered by Purchase, the same revenue in the KPI row), break the Signup goal down by its "plan" property (pro 2, free 1), and read
// the funnel's steps (3 visitors, then 1: only A signed up after seeing /pricing).
//
//   TRACKFLOW_URL=http://127.0.0.1:8080 TRACKFLOW_SITE=… TRACKFLOW_EMAIL=… TRACKFLOW_PASSWORD=… \
//     [CHROMIUM_PATH=/usr/bin/chromium] node e2e/goals.e2e.mjs
import assert from 'node:assert/strict';
import { constants } from 'node:fs';
import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`set ${name}`);
  return value;
}

/** The numbers of the row whose value (its button) reads `label` in `container`, as the page shows them. */
async function rowCells(container, label) {
  const row = container.getByRole('listitem').filter({ has: container.page().getByRole('button', { name: label, exact: true }) });
  await row.waitFor();
  return row.locator('span.tabular-nums').allTextContents();
}

export async function runScenario({ url, site, email, password, executablePath }) {
  await access(executablePath, constants.X_OK).catch(() => {
    throw new Error(`the dashboard's browser test needs Chromium at ${executablePath}: install the Debian package 'chromium', or set CHROMIUM_PATH`);
  });
  const userDataDir = await mkdtemp(join(tmpdir(), 'trackflow-dashboard-e2e-'));
  const context = await chromium.launchPersistentContext(userDataDir, { executablePath, headless: true, args: CHROMIUM_ARGS });
  context.setDefaultTimeout(60_000);
  const page = context.pages()[0] || (await context.newPage());
  page.on('pageerror', (e) => console.error('page error:', e.message));
  page.on('console', (m) => { if (m.type() === 'error') console.error('console:', m.text()); });
  try {

    // Sign in.
    await page.goto(`${url}/login`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((u) => !u.pathname.startsWith('/login'));

    // Goals and a funnel, set up on the site's goals page.
    await page.goto(`${url}/${site}/goals`);
    const goalForm = page.getByRole('form', { name: 'Add a goal' });
    await goalForm.getByLabel('Event name').fill('Signup');
    await goalForm.getByRole('button', { name: 'Add goal' }).click();
    const goals = page.getByRole('list', { name: 'Goals' });
    await goals.getByText('Event Signup').waitFor();
    await goalForm.getByLabel('Pageview').check();
    await goalForm.getByLabel('Page path').fill('/pricing');
    await goalForm.getByRole('button', { name: 'Add goal' }).click();
    await goals.getByText('Visit /pricing', { exact: true }).first().waitFor();
    await goalForm.getByLabel('Custom event').check();
    await goalForm.getByLabel('Event name').fill('Purchase');
    await goalForm.getByLabel('Revenue currency').selectOption('EUR');
    await goalForm.getByRole('button', { name: 'Add goal' }).click();
    await goals.getByText('Revenue in EUR').waitFor();

    const funnelForm = page.getByRole('form', { name: 'Add a funnel' });
    await funnelForm.getByLabel('Funnel name').fill('Pricing to signup');
    await funnelForm.getByLabel('Step 1').selectOption('Visit /pricing');
    await funnelForm.getByLabel('Step 2').selectOption('Signup');
    await funnelForm.getByRole('button', { name: 'Add funnel' }).click();
    await page.getByRole('list', { name: 'Funnels' }).getByText('Visit /pricing → Signup').waitFor();

    // The dashboard: goal conversions.
    await page.getByRole('button', { name: '← Back to the dashboard' }).click();
    const goalCard = page.locator('section').filter({ has: page.getByRole('heading', { name: 'Goal conversions' }) });
    assert.deepEqual(await rowCells(goalCard, 'Purchase'), ['3', '3', '75%', '€25.00', '€12.50'],
      'Purchase: uniques, total, conversion rate, revenue in euros, average');
    assert.deepEqual(await rowCells(goalCard, 'Signup'), ['3', '3', '75%', '–', '–'], 'Signup: uniques, total, conversion rate, no revenue');
    assert.deepEqual(await rowCells(goalCard, 'Visit /pricing'), ['3', '3', '75%', '–', '–'], 'Visit /pricing');

    // The funnel's steps.
    const funnel = page.getByRole('list', { name: 'Funnel Pricing to signup' });
    await funnel.waitFor();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="step-visitors"]').length === 2);
    assert.deepEqual(await funnel.getByTestId('step-visitors').allTextContents(), ['3', '1'], 'funnel step visitors');
    await funnel.getByText('Dropped off: 2 (66.7%)').waitFor();

    // The revenue goal as a filter: its total and average revenue join the KPI row.
    await goalCard.getByRole('button', { name: 'Purchase', exact: true }).click();
    await page.getByLabel('Active filters').getByText('Goal is Purchase').waitFor();
    await page.locator('[data-kpi="total_revenue"]').getByText('€25.00').waitFor();
    await page.locator('[data-kpi="average_revenue"]').getByText('€12.50').waitFor();
    await page.goBack();
    await page.getByText('Goal is Purchase').waitFor({ state: 'detached' });

    // One goal's properties: filter by the goal, then its Properties tab.
    await goalCard.getByRole('button', { name: 'Signup', exact: true }).click();
    await page.getByLabel('Active filters').getByText('Goal is Signup').waitFor();
    await goalCard.getByRole('tab', { name: 'Properties' }).click();
    assert.equal(await goalCard.getByLabel('Properties dimension').inputValue(), 'event:props:plan');
    assert.deepEqual(await rowCells(goalCard, 'pro'), ['2', '2', '50%'], 'plan pro under the Signup goal');
    assert.deepEqual(await rowCells(goalCard, 'free'), ['1', '1', '25%'], 'plan free under the Signup goal');
    console.log('goals, their conversions, revenue and properties, and the funnel read as expected');
  } catch (e) {
    // What the page showed when it went wrong, for the test's report.
    console.error(`at ${page.url()}:\n${(await page.locator('body').innerText().catch(() => '')).slice(0, 3000)}`);
    throw e;
  } finally {
    await context.close();
    await rm(userDataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await runScenario({
    url: required('TRACKFLOW_URL'),
    site: required('TRACKFLOW_SITE'),
    email: required('TRACKFLOW_EMAIL'),
    password: required('TRACKFLOW_PASSWORD'),
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  });
}
