// Shared by the browser scenarios in this folder: how Chromium is started, and what the browser
// reports as a problem on TrackFlow's pages. Content-Security-Policy violations are seen twice: as
// the securitypolicyviolation DOM event (an init script reports it; CSP does not govern init
// scripts) and as Chromium's console message. Uncaught exceptions and, where a scenario asks for
// it, every console error count too.

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

const CSP_MESSAGE = /Content Security Policy|Refused to (load|execute|apply|frame|connect|create)/;

/**
 * Starts watching a browser context: returns the list problems are added to and watch(page, label)
 * for each page. consoleErrors: whether any console error is a problem (not only CSP ones), e.g.
 * not where the scenario provokes 4xx answers, which Chromium logs as "Failed to load resource".
 * expected(label, text): a console error the scenario provokes on purpose.
 */
export async function watchProblems(context, { consoleErrors = true, expected = () => false } = {}) {
  const problems = [];
  await context.exposeBinding('__reportCspViolation', ({ frame }, v) =>
    problems.push(`CSP violation in ${frame.url()}: ${v.directive} blocked ${v.blocked} (${v.source})`));
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__reportCspViolation({
        directive: e.effectiveDirective,
        blocked: e.blockedURI,
        source: `${e.sourceFile}:${e.lineNumber}`,
      });
    });
  });
  const watch = (page, label) => {
    page.on('console', (message) => {
      if (message.type() !== 'error') return;
      const text = message.text();
      if (expected(label, text)) return;
      if (consoleErrors || CSP_MESSAGE.test(text)) {
        problems.push(`${label}: console error: ${text} (${message.location().url})`);
      }
    });
    page.on('pageerror', (error) => problems.push(`${label}: uncaught: ${error.message}`));
  };
  return { problems, watch };
}
