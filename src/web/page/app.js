// tiptoed's page: the daemon's state as tiptoed-web's events say it, no polling; the
// buttons as POSTs to /api/. Nothing from elsewhere, nothing inline (the server's
// Content-Security-Policy allows neither).
'use strict';

const $ = (id) => document.getElementById(id);
const views = ['now', 'runs', 'history', 'pair'];
let state = { Daemon: false };
let heard = { position: 0, at: 0 }; // the position, and when (performance.now()) it was true
let events = null;
let ticker = 0;

function clock(usec) {
  const s = Math.max(0, Math.round(usec / 1e6));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

function say(text) { $('message').textContent = text || ''; }

async function api(path, options) {
  let response;
  try {
    response = await fetch(path, { credentials: 'same-origin', ...options });
  } catch (e) {
    say('tiptoed-web does not answer.');
    return null;
  }
  const body = await response.json().catch(() => ({}));
  if (response.status === 401) { show('pair'); return null; }
  if (!response.ok) { say(body.message || `${response.status} ${response.statusText}`); return null; }
  return body;
}

async function act(action, argument) {
  say('');
  const query = argument ? `?${new URLSearchParams(argument)}` : '';
  const body = await api(`/api/${action}${query}`, { method: 'POST' });
  if (body && (action === 'skip' || action === 'cancel-skip' || action === 'snooze')) loadRuns();
  return body;
}

// The time left runs on between events from where the last one put it.
function position() {
  if (state.State !== 'running') return heard.position;
  return heard.position + (performance.now() - heard.at) * 1000;
}

function tick() {
  const duration = state.Duration || 0;
  const p = Math.min(position(), duration);
  $('left').textContent = duration ? clock(duration - p) : '--:--';
  $('progress').value = duration ? p / duration : 0;
}

function render() {
  const running = state.State === 'running', paused = state.State === 'paused';
  const playing = running || paused;
  document.body.dataset.state = state.Daemon ? state.State : 'absent';
  $('link').dataset.up = String(!!state.Daemon);
  $('link').textContent = state.Daemon ? 'connected' : 'no tiptoed';
  $('state').textContent = !state.Daemon ? 'tiptoed is not running'
    : paused ? (state.PauseReason === 'audio' ? 'paused: no sound device' : 'paused')
    : running ? 'playing' : 'ready';
  $('exercise').textContent = playing ? (state.Exercise || state.RoutineTitle || 'Getting ready')
    : 'No routine playing';
  const where = [];
  if (playing && state.ExerciseIndex) where.push(`Exercise ${state.ExerciseIndex} of ${state.ExerciseCount}`);
  if (playing && state.Set) where.push(`set ${state.Set} of ${state.SetCount}`);
  if (playing && state.Side) where.push(state.Side.toLowerCase());
  $('where').textContent = where.join(' · ');
  $('instruction').textContent = playing ? (state.Instruction || '') : '';
  $('start').disabled = !state.Daemon || playing;
  $('pause').disabled = !playing;
  $('pause').textContent = paused ? 'Resume' : 'Pause';
  $('next').disabled = !playing;
  $('stop').disabled = !playing;
  if (state.Level) {
    $('level').value = state.LevelAutomatic ? 'auto' : state.Level;
    $('level-now').textContent = state.LevelAutomatic ? `now ${state.Level}` : '';
  }
  const streak = state.Streak || 0;
  $('streak').textContent = streak;
  $('streak-unit').textContent = streak === 1 ? 'day in a row' : 'days in a row';
  clearInterval(ticker);
  if (running) ticker = setInterval(tick, 250);
  tick();
  document.body.dataset.updated = String(Date.now());
}

function onState(data) {
  const previous = state;
  state = data;
  heard = { position: state.Position || 0, at: performance.now() };
  render();
  if (previous.NextRun !== state.NextRun || previous.LastCompleted !== state.LastCompleted) {
    loadRuns();
    loadHistory();
  }
}

function listen() {
  if (events) events.close();
  events = new EventSource('/events');
  events.addEventListener('state', (e) => onState(JSON.parse(e.data)));
  events.addEventListener('cue', (e) => {
    const cue = JSON.parse(e.data);
    heard = { position: cue.position, at: performance.now() };
    state.Instruction = cue.text;
    render();
  });
  events.addEventListener('finished', () => { loadRuns(); loadHistory(); });
  events.addEventListener('error', () => { $('link').dataset.up = 'false'; $('link').textContent = 'reconnecting'; });
}

// Next runs, with skip and snooze.
async function loadRuns() {
  const body = await api('/api/schedule');
  if (!body) return;
  const list = $('run-list');
  list.replaceChildren();
  for (const run of body.runs) {
    const li = document.createElement('li');
    const when = new Date(run.at / 1000);
    li.textContent = `${when.toLocaleDateString(undefined, { weekday: 'long', day: 'numeric', month: 'short' })}, `
      + `${when.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })}`
      + `${run.skipped ? ' (skipped)' : ''}`;
    if (run.skipped) li.className = 'skipped';
    list.append(li);
  }
  if (!body.runs.length) {
    const li = document.createElement('li');
    li.textContent = 'Nothing scheduled (schedule in tiptoed.conf).';
    list.append(li);
  }
  const skipped = body.runs.length > 0 && body.runs[0].skipped;
  $('skip').textContent = skipped ? "Don't skip" : 'Skip the next';
  $('skip').dataset.action = skipped ? 'cancel-skip' : 'skip';
  $('skip').disabled = !body.runs.length;
}

// The history: a calendar of the last three months, the streak, minutes a week.
const rank = { completed: 4, stopped: 3, cut: 3, failed: 2, missed: 2, skipped: 1 };
const dayKey = (d) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;

function dayClass(outcome) {
  return outcome === 'cut' || outcome === 'failed' ? 'stopped' : outcome;
}

function calendar(days) {
  const box = $('calendar');
  box.replaceChildren();
  const today = new Date();
  for (let back = 0; back <= 2; back++) { // this month first: it is what a phone shows
    const first = new Date(today.getFullYear(), today.getMonth() - back, 1);
    const month = document.createElement('div');
    month.className = 'month';
    const title = document.createElement('h4');
    title.textContent = first.toLocaleDateString(undefined, { month: 'long', year: 'numeric' });
    const grid = document.createElement('div');
    grid.className = 'days';
    for (let i = 0; i < (first.getDay() + 6) % 7; i++) { // weeks begin on Monday
      const blank = document.createElement('span');
      blank.className = 'day blank';
      grid.append(blank);
    }
    for (let d = new Date(first); d.getMonth() === first.getMonth(); d.setDate(d.getDate() + 1)) {
      const cell = document.createElement('span');
      const key = dayKey(d), outcome = days.get(key);
      cell.className = `day${outcome ? ` ${dayClass(outcome)}` : ''}${key === dayKey(today) ? ' today' : ''}`;
      cell.dataset.day = key;
      if (outcome) cell.dataset.outcome = outcome;
      cell.textContent = d.getDate();
      cell.title = `${key}${outcome ? `: ${outcome}` : ''}`;
      grid.append(cell);
    }
    month.append(title, grid);
    box.append(month);
  }
}

function chart(entries) {
  const svg = $('chart'), ns = 'http://www.w3.org/2000/svg', weeks = 12;
  svg.replaceChildren();
  const monday = new Date();
  monday.setHours(0, 0, 0, 0);
  monday.setDate(monday.getDate() - (monday.getDay() + 6) % 7);
  const starts = [];
  for (let i = weeks - 1; i >= 0; i--) {
    const s = new Date(monday);
    s.setDate(s.getDate() - 7 * i);
    starts.push(s);
  }
  const minutes = starts.map(() => 0);
  for (const e of entries) {
    const at = new Date(e.started / 1000);
    for (let i = weeks - 1; i >= 0; i--)
      if (at >= starts[i]) { minutes[i] += e.heard / 6e7; break; }
  }
  const top = Math.max(20, ...minutes), w = 360 / weeks;
  minutes.forEach((m, i) => {
    const h = Math.round((m / top) * 120);
    const bar = document.createElementNS(ns, 'rect');
    bar.setAttribute('x', String(i * w + 3));
    bar.setAttribute('y', String(130 - h));
    bar.setAttribute('width', String(w - 6));
    bar.setAttribute('height', String(h));
    bar.dataset.week = dayKey(starts[i]);
    bar.dataset.minutes = String(Math.round(m));
    const label = document.createElementNS(ns, 'text');
    label.setAttribute('x', String(i * w + w / 2));
    label.setAttribute('y', '145');
    label.setAttribute('text-anchor', 'middle');
    label.textContent = `${starts[i].getDate()}/${starts[i].getMonth() + 1}`;
    const value = document.createElementNS(ns, 'text');
    value.setAttribute('x', String(i * w + w / 2));
    value.setAttribute('y', String(126 - h));
    value.setAttribute('text-anchor', 'middle');
    value.textContent = m ? String(Math.round(m)) : '';
    svg.append(bar, label, value);
  });
}

async function loadHistory() {
  const body = await api('/api/history');
  if (!body) return;
  const days = new Map();
  for (const e of body.entries) {
    if (e.outcome === 'playing') continue;
    const key = dayKey(new Date(e.started / 1000)), was = days.get(key);
    if (!was || (rank[e.outcome] || 0) > (rank[was] || 0)) days.set(key, e.outcome);
  }
  calendar(days);
  chart(body.entries);
}

function show(view) {
  if (!views.includes(view)) view = 'now';
  for (const v of views) $(v).hidden = v !== view;
  for (const v of ['now', 'runs', 'history'])
    $(`tab-${v}`).setAttribute('aria-current', v === view ? 'page' : 'false');
  document.body.dataset.view = view;
}

async function start() {
  const first = await api('/api/state');
  if (!first) return; // unpaired: the pairing form is showing
  onState(first);
  show(location.hash.slice(1));
  listen();
  loadRuns();
  loadHistory();
}

$('start').addEventListener('click', () => act('start'));
$('pause').addEventListener('click', () => act(state.State === 'paused' ? 'resume' : 'pause'));
$('next').addEventListener('click', () => act('next'));
$('stop').addEventListener('click', () => act('stop'));
$('skip').addEventListener('click', (e) => act(e.target.dataset.action || 'skip'));
$('snooze').addEventListener('click', () => act('snooze', { minutes: 10 }));
$('level').addEventListener('change', (e) => act('level', { level: e.target.value }));
$('pair-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const token = $('token').value.trim();
  const body = await api('/api/pair', { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
  if (body) { say(''); location.hash = '#now'; start(); } else say('That is not the token: run tiptoectl web-token on the box.');
});
window.addEventListener('hashchange', () => show(location.hash.slice(1)));
start();
