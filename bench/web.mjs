// bench/web's browser half: see bench/web. Prints the figures.
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const { URL, TRIALS, MONITOR, TESTS_WEB } = process.env;
const { chromium } = createRequire(`${TESTS_WEB}/`)('playwright-core');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const bus = (...args) => execFileSync('busctl', ['--user', ...args]).toString().trim();
const call = (method, ...args) => bus('call', 'org.tiptoed.Coach1', '/org/tiptoed/Coach1', 'org.tiptoed.Coach1',
  method, ...args);
const state = () => bus('get-property', 'org.tiptoed.Coach1', '/org/tiptoed/Coach1', 'org.tiptoed.Coach1', 'State');

// Each time the page shows a State, on CLOCK_REALTIME in ms; with poll, also fetching
// /api/state each second and showing what it says.
function watch(poll) {
  window.__shown = [];
  let last = document.body.dataset.state;
  const note = (s) => {
    if (s === last) return;
    last = s;
    window.__shown.push({ state: s, at: performance.timeOrigin + performance.now() });
  };
  new MutationObserver(() => note(document.body.dataset.state))
    .observe(document.body, { attributes: true, attributeFilter: ['data-state'] });
  if (poll) {
    // The polling page: it does not listen to /events, it asks once a second.
    setInterval(async () => {
      const r = await fetch('/api/state');
      const s = await r.json();
      note(s.State);
    }, 1000);
  }
}

const percentile = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const row = (name, xs) => console.log(`${name.padEnd(28)} ${percentile(xs, 50).toFixed(1).padStart(9)}`
  + ` ${percentile(xs, 99).toFixed(1).padStart(9)} ${Math.max(...xs).toFixed(1).padStart(9)} ${String(xs.length).padStart(6)}`);

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
try {
  const phone = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
  const weights = new Map();
  const eventsContext = await browser.newContext(phone);
  const events = await eventsContext.newPage();
  events.on('response', async (r) => {
    const path = new globalThis.URL(r.url()).pathname;
    if (path.startsWith('/api/') || path === '/events') return;
    weights.set(path, (await r.body()).length);
  });
  await events.goto(`${URL}/`);
  await events.waitForSelector('body[data-state="idle"]');
  await events.evaluate(watch, false);

  // The polling page: events switched off by closing its stream as soon as it opens.
  const pollingContext = await browser.newContext(phone);
  const polling = await pollingContext.newPage();
  await polling.route('**/events', (route) => route.abort());
  await polling.goto(`${URL}/`);
  await polling.waitForSelector('body[data-state="idle"]');
  await polling.evaluate(watch, true);

  call('Start', 's', '');
  let n = 0;
  while (n < Number(TRIALS)) {
    if (state() === 's "idle"') call('Start', 's', ''); // the routine ended: another
    await sleep(1200 + Math.random() * 600); // each polling page has seen the last change
    call('TogglePause');
    n++;
  }
  await sleep(1500);
  call('Stop');
  await sleep(1500);

  // Each State the monitor saw announced, and each page's first showing of it after.
  const signals = readFileSync(MONITOR, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l))
    .filter((m) => m.member === 'PropertiesChanged' && m.payload.data[1].State)
    .map((m) => ({ state: m.payload.data[1].State.data, at: m['timestamp-realtime'] / 1000 }));
  // A State that another replaced before the page could show it (the routine ended and the
  // next started at once) is not counted: the page shows the latest, by design.
  const superseded = new Map();
  const delays = async (page) => {
    const shown = await page.evaluate(() => window.__shown);
    const out = [];
    superseded.set(page, 0);
    signals.forEach((s, i) => {
      const seen = shown.find((x) => x.state === s.state && x.at >= s.at - 1);
      const next = signals[i + 1];
      if (seen && (!next || seen.at <= next.at)) out.push(seen.at - s.at);
      else superseded.set(page, superseded.get(page) + 1);
    });
    return out;
  };
  const viaEvents = await delays(events), viaPolling = await delays(polling);
  console.log(`bench/web: ${signals.length} changes of State announced on D-Bus, to shown on the page, ms`);
  console.log(`${''.padEnd(28)} ${'median'.padStart(9)} ${'p99'.padStart(9)} ${'max'.padStart(9)} ${'n'.padStart(6)}`);
  row('events (tiptoed-web)', viaEvents);
  row('polling /api/state, 1 s', viaPolling);
  console.log(`not counted, a State replaced before the page could show it: events ${superseded.get(events)}, `
    + `polling ${superseded.get(polling)}`);
  console.log(`target: p99 under 1000 ms: ${percentile(viaEvents, 99) < 1000 ? 'met' : 'MISSED'}`);
  console.log('\nthe page\'s weight, bytes as served (no compression):');
  let total = 0;
  for (const [path, bytes] of [...weights].sort()) {
    console.log(`  ${path.padEnd(12)} ${String(bytes).padStart(7)}`);
    total += bytes;
  }
  console.log(`  ${'total'.padEnd(12)} ${String(total).padStart(7)}`);
} finally {
  await browser.close();
}
