// The page in a real browser: Debian's chromium driven by playwright-core, against
// tiptoed-web and the real daemon that tests/test-web-page.sh started. Prints TAP.
//   node tests/web/page.mjs        (the environment below is set by the shell test)
// WEB: the page from this box; LAN: the same from a LAN address, or ""; CTL: tiptoectl;
// SHOTS: where the screenshots go; DAYS: the fabricated days, "YYYY-MM-DD=outcome,...".
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';

const { WEB, LAN, CTL, SHOTS, DAYS } = process.env;
let n = 0, failed = 0;

async function check(description, f) {
  n++;
  try {
    await f();
    console.log(`ok ${n} - ${description}`);
  } catch (e) {
    failed++;
    console.log(`not ok ${n} - ${description}`);
    for (const line of String(e && e.stack || e).split('\n').slice(0, 6)) console.log(`# ${line}`);
  }
}

const busState = () => execFileSync('busctl', ['--user', 'get-property', 'org.tiptoed.Coach1',
  '/org/tiptoed/Coach1', 'org.tiptoed.Coach1', 'State']).toString().trim();

// The daemon's State as D-Bus says it, asked again until it is what is wanted.
async function busBecomes(want) {
  for (let i = 0; i < 100; i++) {
    if (busState() === `s "${want}"`) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`State is ${busState()}, not "${want}"`);
}

function assert(condition, message) { if (!condition) throw new Error(message); }

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
const phone = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

try {
  const context = await browser.newContext(phone);
  const page = await context.newPage();
  const refused = [];
  page.on('console', (m) => { if (/Content Security Policy|Refused/.test(m.text())) refused.push(m.text()); });
  page.on('pageerror', (e) => refused.push(String(e)));
  await page.goto(`${WEB}/#now`);

  await check('the page opens ready, with the daemon there', async () => {
    await page.waitForSelector('body[data-state="idle"]', { timeout: 10000 });
    assert(await page.isEnabled('#start'), 'Start is not enabled');
    assert(await page.isDisabled('#pause'), 'Pause is enabled while idle');
  });
  await page.screenshot({ path: `${SHOTS}/ready.png` });

  await check('Start on the page: State on D-Bus becomes running', async () => {
    await page.tap('#start');
    await busBecomes('running');
  });
  await check('  the page shows the exercise, the set and the time left, live', async () => {
    await page.waitForSelector('body[data-state="running"]', { timeout: 10000 });
    await page.waitForFunction(() => document.getElementById('where').textContent.includes('Exercise'),
      null, { timeout: 20000 });
    const left = await page.textContent('#left');
    assert(/^\d+:\d\d$/.test(left), `time left reads "${left}"`);
    const first = left;
    await page.waitForFunction((was) => document.getElementById('left').textContent !== was, first,
      { timeout: 5000 });
  });
  await page.screenshot({ path: `${SHOTS}/now.png` });

  await check('pause from tiptoectl: the page says paused (figure below, not held to a time)', async () => {
    const before = Number(await page.getAttribute('body', 'data-updated'));
    const asked = Date.now();
    execFileSync(CTL, ['pause']);
    await page.waitForSelector('body[data-state="paused"]', { timeout: 10000 });
    const shown = Number(await page.getAttribute('body', 'data-updated'));
    assert(shown >= before, 'the page did not render again');
    console.log(`# tiptoectl pause asked to page shown: ${shown - asked} ms`);
    assert((await page.textContent('#pause')) === 'Resume', 'the pause button does not offer Resume');
  });
  await page.screenshot({ path: `${SHOTS}/paused.png` });
  await check('Resume on the page, then Next, then Stop: each reaches the daemon', async () => {
    await page.tap('#pause');
    await busBecomes('running');
    await page.waitForSelector('body[data-state="running"]', { timeout: 10000 });
    const was = await page.textContent('#exercise');
    await page.tap('#next');
    await page.waitForFunction((w) => document.getElementById('exercise').textContent !== w
      || document.getElementById('instruction').textContent !== '', was, { timeout: 10000 });
    await page.tap('#stop');
    await busBecomes('idle');
    await page.waitForSelector('body[data-state="idle"]', { timeout: 10000 });
  });

  await check('the level: set to hard on the page, Level on D-Bus says hard', async () => {
    await page.selectOption('#level', 'hard');
    for (let i = 0; i < 100; i++) {
      const level = execFileSync('busctl', ['--user', 'get-property', 'org.tiptoed.Coach1', '/org/tiptoed/Coach1',
        'org.tiptoed.Coach1', 'Level']).toString().trim();
      if (level === 's "hard"') return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('Level is not hard');
  });

  await page.goto(`${WEB}/#runs`);
  await check('the next runs, and skip from the page', async () => {
    await page.waitForSelector('#run-list li', { timeout: 10000 });
    const runs = await page.$$eval('#run-list li', (l) => l.length);
    assert(runs >= 2, `${runs} runs listed`);
    await page.tap('#skip');
    await page.waitForSelector('#run-list li.skipped', { timeout: 10000 });
    const schedule = execFileSync(CTL, ['schedule']).toString();
    assert(/skip/.test(schedule), `tiptoectl schedule does not show the skip:\n${schedule}`);
  });
  await page.screenshot({ path: `${SHOTS}/runs.png` });
  await check('  and undo it', async () => {
    await page.tap('#skip');
    await page.waitForFunction(() => !document.querySelector('#run-list li.skipped'), null, { timeout: 10000 });
  });

  await page.goto(`${WEB}/#history`);
  await check('the calendar shows the fabricated days: done, cut short, missed, skipped', async () => {
    await page.waitForSelector('#calendar .day[data-outcome]', { timeout: 10000 });
    for (const pair of DAYS.split(',')) {
      const [day, outcome] = pair.split('=');
      const shown = await page.getAttribute(`#calendar .day[data-day="${day}"]`, 'data-outcome');
      assert(shown === outcome, `${day} shows ${shown}, not ${outcome}`);
    }
  });
  await check('  the streak, as the daemon counts it', async () => {
    const streak = execFileSync('busctl', ['--user', 'get-property', 'org.tiptoed.Coach1', '/org/tiptoed/Coach1',
      'org.tiptoed.Coach1', 'Streak']).toString().trim().replace(/^u /, '');
    assert((await page.textContent('#streak')) === streak, `the page says ${await page.textContent('#streak')}`);
  });
  await check('  minutes a week: a bar for each of 12 weeks, this week\'s the routines heard', async () => {
    const bars = await page.$$eval('#chart rect', (r) => r.map((b) => Number(b.dataset.minutes)));
    assert(bars.length === 12, `${bars.length} bars`);
    assert(bars.some((m) => m > 0), 'no minutes at all');
  });
  await page.screenshot({ path: `${SHOTS}/history.png`, fullPage: true });

  await check('nothing refused by the Content-Security-Policy, no script error', async () => {
    assert(refused.length === 0, refused.join('\n'));
  });
  await context.close();

  if (LAN) {
    const lan = await browser.newContext(phone);
    const p = await lan.newPage();
    await p.goto(`${LAN}/`);
    await check('from a LAN address without the token: refused, the pairing form shown', async () => {
      await p.waitForSelector('#pair:not([hidden])', { timeout: 10000 });
      assert(await p.isHidden('#now'), 'the controls show');
    });
    await p.screenshot({ path: `${SHOTS}/pair.png` });
    await check('  a wrong token: still refused', async () => {
      await p.fill('#token', '0123456789abcdef0123456789abcdef');
      await p.tap('#pair-form button');
      await p.waitForFunction(() => /not the token/.test(document.getElementById('message').textContent),
        null, { timeout: 10000 });
      assert(await p.isVisible('#pair'), 'the pairing form went away');
    });
    await check('  the token tiptoectl web-token shows: paired, the controls live', async () => {
      await p.fill('#token', execFileSync(CTL, ['web-token']).toString().trim());
      await p.tap('#pair-form button');
      await p.waitForSelector('body[data-state="idle"]', { timeout: 10000 });
      await p.tap('#start');
      await busBecomes('running');
      execFileSync(CTL, ['stop']);
      await p.waitForSelector('body[data-state="idle"]', { timeout: 10000 });
    });
    await check('  and the cookie keeps it paired: a new page needs no token', async () => {
      const again = await lan.newPage();
      await again.goto(`${LAN}/`);
      await again.waitForSelector('body[data-state="idle"]', { timeout: 10000 });
      assert(await again.isHidden('#pair'), 'the pairing form shows again');
    });
    await lan.close();
  } else {
    n++;
    console.log(`ok ${n} - from a LAN address: the pairing # SKIP no network namespace here (unshare -n needs root)`);
  }
} finally {
  await browser.close();
}
console.log(`1..${n}`);
process.exit(failed ? 1 : 0);
