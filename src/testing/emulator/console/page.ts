/**
 * The console's page, stylesheet and script, shipped as strings so that the package needs no build or copy step and
 * the page works offline. The script is plain ES2020 with no dependency; it writes every value with `textContent`, so
 * what an API client sent (a ref_id, a name) is never parsed as HTML.
 */

/** The page at `/`. */
export const CONSOLE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Paxos emulator console</title>
<link rel="stylesheet" href="/console/app.css">
<script type="module" src="/console/app.js"></script>
</head>
<body>
<header>
  <h1>Paxos emulator</h1>
  <nav aria-label="Console pages">
    <button type="button" class="tab" data-page="identities" aria-current="page">Identities</button>
    <button type="button" class="tab" data-page="events">Events</button>
    <button type="button" class="tab" data-page="webhooks">Webhook deliveries</button>
    <button type="button" class="tab" data-page="requests">Request log</button>
    <button type="button" class="tab" data-page="faults">Faults</button>
  </nav>
  <p id="live" class="live" role="status"></p>
</header>
<main>
  <noscript><p class="noscript">This console needs JavaScript: it reads the emulator and steers it from its script. Enable JavaScript for this page, or use the emulator's API and <code>emulator.requests</code>, <code>emulator.webhooks</code> and <code>emulator.faults</code> from a test.</p></noscript>
  <section id="page-identities" class="page" aria-labelledby="identities-title">
    <h2 id="identities-title">Identities</h2>
    <div class="split">
      <div class="list">
        <label for="search">Search by id, ref id, type or status</label>
        <input id="search" type="search" autocomplete="off">
        <table>
          <caption class="sr-only">Identities, newest first</caption>
          <thead><tr><th scope="col">Identity</th><th scope="col">Type</th><th scope="col">Status</th><th scope="col">Created</th></tr></thead>
          <tbody id="identity-rows"></tbody>
        </table>
        <p id="identity-empty" class="empty" hidden>No identity yet: create one through the API.</p>
      </div>
      <div id="identity-detail" class="detail" aria-live="polite"><p class="empty">Select an identity to see its details.</p></div>
    </div>
  </section>
  <section id="page-events" class="page" aria-labelledby="events-title" hidden>
    <h2 id="events-title">Events <span class="hint">newest first</span></h2>
    <table>
      <thead><tr><th scope="col">Time</th><th scope="col">Type</th><th scope="col">Identity</th><th scope="col">Status change</th><th scope="col">Undelivered webhooks</th></tr></thead>
      <tbody id="event-rows"></tbody>
    </table>
  </section>
  <section id="page-webhooks" class="page" aria-labelledby="webhooks-title" hidden>
    <h2 id="webhooks-title">Webhook deliveries</h2>
    <h3>Endpoints</h3>
    <table>
      <thead><tr><th scope="col">Name</th><th scope="col">URL</th><th scope="col">Auth</th><th scope="col">Rate</th></tr></thead>
      <tbody id="webhook-rows"></tbody>
    </table>
    <h3>Waiting or given up</h3>
    <table>
      <thead><tr><th scope="col">Webhook</th><th scope="col">Event</th><th scope="col">State</th><th scope="col">Attempts</th><th scope="col">Last result</th><th scope="col">Next retry</th><th scope="col">Action</th></tr></thead>
      <tbody id="undelivered-rows"></tbody>
    </table>
    <h3>Attempts <span class="hint">newest first</span></h3>
    <table>
      <thead><tr><th scope="col">Started</th><th scope="col">Webhook</th><th scope="col">Event</th><th scope="col">Attempt</th><th scope="col">Result</th><th scope="col">Action</th></tr></thead>
      <tbody id="attempt-rows"></tbody>
    </table>
  </section>
  <section id="page-requests" class="page" aria-labelledby="requests-title" hidden>
    <h2 id="requests-title">Request log <span class="hint">newest first; never a body</span></h2>
    <table>
      <thead><tr><th scope="col">Method</th><th scope="col">Route</th><th scope="col">Status</th><th scope="col">Fault</th><th scope="col">Duration</th></tr></thead>
      <tbody id="request-rows"></tbody>
    </table>
  </section>
  <section id="page-faults" class="page" aria-labelledby="faults-title" hidden>
    <h2 id="faults-title">Faults</h2>
    <form id="fault-form" class="form">
      <div><label for="fault-kind">Kind</label>
        <select id="fault-kind" name="kind">
          <option value="status">Status (answer without processing)</option>
          <option value="drop">Drop the connection</option>
          <option value="delay">Delay</option>
          <option value="truncate-body">Truncate the body</option>
          <option value="stall-body">Stall the body</option>
        </select></div>
      <div><label for="fault-status">Status</label><input id="fault-status" name="status" type="number" min="100" max="599" value="503"></div>
      <div><label for="fault-ms">Delay (ms)</label><input id="fault-ms" name="ms" type="number" min="0" value="1000"></div>
      <div><label for="fault-when">Drop when</label>
        <select id="fault-when" name="when"><option value="before-processing">before processing</option><option value="after-processing">after processing</option></select></div>
      <div><label for="fault-times">Requests to hit</label><input id="fault-times" name="times" type="number" min="1" value="1"></div>
      <div><label for="fault-method">Method</label>
        <select id="fault-method" name="method"><option value="">any</option><option>GET</option><option>POST</option><option>PUT</option><option>DELETE</option></select></div>
      <div><label for="fault-path">Path (exact, or a template such as /v2/identity/identities/{id}; empty: any under /v2)</label><input id="fault-path" name="path" type="text" autocomplete="off"></div>
      <div class="buttons"><button type="submit">Inject fault</button> <button type="button" id="fault-clear">Withdraw all</button></div>
    </form>
    <h3>Armed</h3>
    <table>
      <thead><tr><th scope="col">Fault</th><th scope="col">Remaining</th><th scope="col">Hits</th></tr></thead>
      <tbody id="fault-rows"></tbody>
    </table>
  </section>
  <p id="message" class="message" role="alert"></p>
</main>
</body>
</html>
`;

/** The stylesheet: system fonts, text contrast of at least 4.5:1, a visible focus ring. */
export const CONSOLE_CSS = `
:root { color-scheme: light; --ink: #1a1a1a; --muted: #4a4a4a; --line: #c8c8c8; --accent: #0b4f9c; --bg: #ffffff; --panel: #f4f6f8; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
header { display: flex; flex-wrap: wrap; align-items: center; gap: 1rem; padding: .6rem 1.2rem; background: #102a43; color: #ffffff; }
header h1 { font-size: 1.15rem; margin: 0; }
nav { display: flex; gap: .3rem; flex-wrap: wrap; }
.tab { background: transparent; color: #ffffff; border: 1px solid #7b93ad; border-radius: 4px; padding: .3rem .7rem; font: inherit; cursor: pointer; }
.tab[aria-current="page"] { background: #ffffff; color: #102a43; font-weight: 600; }
.live { margin: 0 0 0 auto; font-size: .9rem; }
main { padding: .8rem 1.2rem 2rem; }
h2 { font-size: 1.2rem; margin: .4rem 0 .6rem; }
h3 { font-size: 1rem; margin: 1rem 0 .4rem; }
.hint { font-weight: 400; font-size: .85rem; color: var(--muted); }
.split { display: grid; grid-template-columns: minmax(340px, 5fr) 7fr; gap: 1.2rem; align-items: start; }
.detail { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: .6rem 1rem 1rem; min-height: 8rem; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
th, td { text-align: left; padding: .3rem .45rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { color: var(--muted); font-weight: 600; }
tr.selected td { background: #dbe9f8; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .85rem; word-break: break-all; }
label { display: block; font-size: .85rem; color: var(--muted); margin: .3rem 0 .15rem; }
input, select { font: inherit; padding: .3rem .4rem; border: 1px solid #767676; border-radius: 4px; background: #ffffff; color: var(--ink); }
input[type="search"] { width: 100%; margin-bottom: .5rem; }
button { font: inherit; padding: .3rem .75rem; border-radius: 4px; border: 1px solid var(--accent); background: #ffffff; color: var(--accent); cursor: pointer; }
button.primary { background: var(--accent); color: #ffffff; }
button.danger { border-color: #a01919; color: #a01919; }
button.link { border: none; padding: 0; background: none; color: var(--accent); text-decoration: underline; text-align: left; }
:focus-visible { outline: 3px solid #f0a500; outline-offset: 2px; }
.actions { display: flex; flex-wrap: wrap; gap: .4rem; margin: .5rem 0; }
.inline { display: flex; flex-wrap: wrap; gap: .4rem; align-items: end; margin: .4rem 0; }
.inline label { margin: 0 0 .15rem; }
.form { display: grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); gap: .4rem 1rem; max-width: 62rem; }
.form .buttons { grid-column: 1 / -1; }
.badge { display: inline-block; padding: 0 .45rem; border-radius: 999px; font-size: .8rem; font-weight: 600; border: 1px solid currentColor; }
.s-APPROVED { color: #0d6b2e; } .s-PENDING { color: #7a4a00; } .s-DENIED, .s-ERROR { color: #a01919; } .s-DISABLED { color: #4a4a4a; }
.empty { color: var(--muted); }
.noscript { border: 2px solid #a01919; color: #5c0b0b; background: #ffffff; padding: .6rem .9rem; border-radius: 6px; max-width: 50rem; }
.message { position: fixed; bottom: 1rem; right: 1rem; margin: 0; max-width: 30rem; }
.message:not(:empty) { background: #fff4e5; border: 1px solid #a35c00; color: #5c3300; padding: .5rem .8rem; border-radius: 6px; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
@media (max-width: 900px) { .split { grid-template-columns: 1fr; } }
`;

/** The script: fetches the console's JSON routes, re-reads what the live feed says changed, posts the actions. */
export const CONSOLE_JS = String.raw`
const state = { page: 'identities', selected: null, query: '', loading: new Set(), again: new Set() };
const $ = (id) => document.getElementById(id);

function el(tag, props, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'text') node.textContent = String(value);
    else if (key === 'class') node.className = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children) if (child !== undefined && child !== null) node.append(child);
  return node;
}
const text = (value) => (value === undefined || value === null || value === '' ? '—' : String(value));
const cell = (value, cls) => el('td', { text: text(value), class: cls });
const badge = (status) => el('span', { class: 'badge s-' + status, text: text(status) });
const time = (iso) => (iso ? new Date(iso).toLocaleString() : '—');
const short = (id) => (id ? String(id).slice(0, 8) : '—');

function say(message) {
  $('message').textContent = message || '';
  if (message) setTimeout(() => { if ($('message').textContent === message) $('message').textContent = ''; }, 6000);
}

async function api(path, options) {
  const response = await fetch(path, {
    ...options,
    headers: options && options.body ? { 'content-type': 'application/json' } : undefined,
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.error || 'request failed: ' + response.status);
  return body;
}
const post = (path, body) => api(path, { method: 'POST', body: JSON.stringify(body || {}) });

const FOCUSABLE = 'button, input, select, [tabindex]';
/** What names a control across a re-render: its kind and its accessible name. */
function keyOf(node) {
  if (!(node instanceof HTMLElement) || !node.matches(FOCUSABLE)) return null;
  const label = node.labels && node.labels[0] ? node.labels[0].textContent : '';
  return node.tagName + '|' + (node.getAttribute('aria-label') || label || node.textContent);
}

/**
 * Replaces what a region shows. The live feed re-renders it whenever the emulator is used, so the control that had the
 * keyboard focus gets it back (or, when it is gone, the region's heading does), and with keepChoices the fields keep
 * what the user chose in them.
 */
function replace(container, nodes, keepChoices) {
  let focused = container.contains(document.activeElement) ? keyOf(document.activeElement) : null;
  const choices = new Map();
  if (keepChoices) for (const control of container.querySelectorAll('input, select')) {
    if (control.type === 'checkbox') choices.set(keyOf(control), control.checked);
    else if (control.multiple) choices.set(keyOf(control), [...control.selectedOptions].map((o) => o.value));
    else choices.set(keyOf(control), control.value);
  }
  container.replaceChildren(...nodes);
  for (const control of container.querySelectorAll(FOCUSABLE)) {
    const key = keyOf(control);
    if (choices.has(key)) {
      const chosen = choices.get(key);
      if (control.type === 'checkbox') control.checked = chosen;
      else if (control.multiple) for (const option of control.options) option.selected = chosen.includes(option.value);
      else control.value = chosen;
    }
    if (focused !== null && key === focused) { control.focus(); focused = null; }
  }
  if (focused !== null) { const heading = container.querySelector('h3[tabindex]'); if (heading) heading.focus(); }
}

/** Shows rows in a table body: a line when there is none, and one saying how many more there are when capped. */
function fill(tbody, rows, empty, total, more) {
  const lines = [...rows];
  if (rows.length === 0 && empty) lines.push(el('tr', {}, el('td', { colspan: 9, class: 'empty', text: empty })));
  if (total > rows.length)
    lines.push(el('tr', {}, el('td', { colspan: 9, class: 'empty', text: 'Showing the newest ' + rows.length + ' of ' + total + (more ? ': ' + more : '.') })));
  replace(tbody, lines, false);
}

async function loadIdentities() {
  const { identities, total } = await api('/console/api/identities?q=' + encodeURIComponent(state.query));
  fill($('identity-rows'), identities.map((row) => {
    const label = row.name || (row.type === 'INSTITUTION' ? 'Institution ' : 'Person ') + short(row.id);
    const tr = el('tr', { class: state.selected && state.selected.id === row.id ? 'selected' : undefined, 'data-id': row.id },
      el('td', {}, el('button', { type: 'button', class: 'link', 'aria-label': 'Open identity ' + row.id,
        onclick: () => select(row.clientId, row.id) }, label), el('div', { class: 'mono', text: row.refId ? 'ref ' + row.refId : row.id })),
      cell(row.type), el('td', {}, badge(row.summaryStatus)), cell(time(row.createdAt)));
    return tr;
  }), undefined, total, 'search to narrow the list.');
  $('identity-empty').hidden = identities.length > 0;
}

async function select(clientId, id) {
  state.selected = { clientId, id };
  await refresh(['identities', 'detail']);
  // The details are far down the tab order, past every row: a keyboard user lands on them.
  const heading = $('identity-detail').querySelector('h3[tabindex]');
  if (heading) heading.focus();
}

function table(headers, rows, empty) {
  const body = el('tbody');
  fill(body, rows, empty);
  return el('table', {}, el('thead', {}, el('tr', {}, ...headers.map((h) => el('th', { scope: 'col', text: h })))), body);
}

function flatten(value, path, out) {
  if (Array.isArray(value)) value.forEach((item, i) => flatten(item, path + '.' + i, out));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) flatten(v, path ? path + '.' + k : k, out);
  else out.push([path, value]);
  return out;
}

async function act(action, body) {
  const { clientId, id } = state.selected;
  try {
    await post('/console/api/identities/' + encodeURIComponent(id) + '/' + action, { clientId, ...body });
    say('');
    await refresh(['identities', 'detail']);
  } catch (error) { say(error.message); }
}

function field(labelText, control) {
  const id = 'f-' + Math.random().toString(36).slice(2);
  control.id = id;
  return el('div', {}, el('label', { for: id, text: labelText }), control);
}

async function loadDetail() {
  const box = $('identity-detail');
  if (!state.selected) return;
  const { clientId, id } = state.selected;
  let d;
  try {
    d = await api('/console/api/identities/' + encodeURIComponent(id) + '?client=' + encodeURIComponent(clientId));
  } catch (error) { replace(box, [el('h3', { tabindex: -1, text: 'Identity ' + id }), el('p', { class: 'empty', text: error.message })], false); return; }
  const s = d.summary;
  const personal = new Set(d.personal);
  const detailRows = [];
  // A personal value arrives masked as a whole (an address is one value), so its path is one row with a Reveal.
  for (const [path, value] of flatten(d.details, '', [])) {
    const secret = personal.has(path) ? path : null;
    if (secret) {
      const out = el('td', {}, el('span', { class: 'masked', text: '•••••', 'aria-label': 'masked' }), ' ');
      const button = el('button', { type: 'button', 'aria-label': 'Reveal ' + secret, text: 'Reveal', onclick: async () => {
        try {
          const { value: clear } = await post('/console/api/identities/' + encodeURIComponent(id) + '/reveal', { clientId, field: secret });
          out.replaceChildren(el('span', { class: 'mono', text: clear }));
        } catch (error) { say(error.message); }
      } });
      out.append(button);
      detailRows.push(el('tr', {}, el('th', { scope: 'row', class: 'mono', text: secret }), out));
    } else {
      detailRows.push(el('tr', {}, el('th', { scope: 'row', class: 'mono', text: path }), cell(value, 'mono')));
    }
  }
  const docTypes = el('select', { multiple: true, size: 3 }, ...d.choices.documentTypes.map((t) => el('option', { value: t, text: t })));
  const controlType = el('select', {}, ...d.choices.controlTypes.map((t) => el('option', { value: t, text: t })));
  const reasonCode = el('select', {}, ...d.choices.reasonCodes.map((t) => el('option', { value: t, text: t })));
  const byPaxos = el('input', { type: 'checkbox' });
  const same = box.dataset.id === id;
  box.dataset.id = id;
  replace(box, [
    el('h3', { tabindex: -1 }, (s.name || (s.type === 'INSTITUTION' ? 'Institution' : 'Person')) + ' ', badge(s.summaryStatus)),
    el('p', { class: 'mono', text: s.id + (s.refId ? ' · ref ' + s.refId : '') + ' · client ' + s.clientId }),
    el('div', { class: 'actions', role: 'group', 'aria-label': 'Sandbox decisions' },
      el('button', { type: 'button', class: 'primary', text: 'Approve', onclick: () => act('approve') }),
      el('button', { type: 'button', class: 'danger', text: 'Deny', onclick: () => act('deny') }),
      el('button', { type: 'button', text: 'Disable', onclick: () => act('disable') }),
      el('button', { type: 'button', text: 'Enable', onclick: () => act('enable') }),
      el('button', { type: 'button', text: 'Start KYC refresh', onclick: () => act('kyc-refresh') })),
    el('div', { class: 'inline' }, field('Document types to require', docTypes),
      el('button', { type: 'button', text: 'Require documents', onclick: () =>
        act('require-documents', { documentTypes: [...docTypes.selectedOptions].map((o) => o.value) }) })),
    el('div', { class: 'inline' }, field('Control type', controlType), field('Reason code', reasonCode),
      el('div', {}, el('label', {}, byPaxos, ' set by Paxos (not overridable)')),
      el('button', { type: 'button', text: 'Add control', onclick: () =>
        act('add-control', { type: controlType.value, reasonCode: reasonCode.value, setByPaxos: byPaxos.checked }) })),
    el('h3', { text: 'Details' }), table(['Field', 'Value'], detailRows),
    el('h3', { text: 'Controls' }), table(['Type', 'Set by', 'Reason', 'Created', 'Action'], d.controls.map((c) => el('tr', {},
      cell(c.type), cell(c.setBy), cell(c.reasonCode), cell(c.deletedAt ? 'deleted ' + time(c.deletedAt) : time(c.createdAt)),
      el('td', {}, c.deletedAt ? '' : el('button', { type: 'button', text: 'Remove', 'aria-label': 'Remove control ' + c.type,
        onclick: () => act('remove-control', { controlId: c.id }) })))), 'No control.'),
    el('h3', { text: 'Members' }), table(['Member', 'Roles', 'Status'], d.members.map((m) => el('tr', {},
      cell(m.identityId, 'mono'), cell((m.roles || []).join(', ')), el('td', {}, m.summaryStatus ? badge(m.summaryStatus) : '—'))), 'No member.'),
    el('h3', { text: 'Documents' }), table(['Name', 'Types'], [
      ...d.documents.map((doc) => el('tr', {}, cell(doc.name), cell(doc.documentTypes.join(', ')))),
      ...d.pendingDocuments.map((t) => el('tr', {}, cell('(required, not uploaded)'), cell(t))),
    ], 'No document.'),
    el('h3', { text: 'Accounts' }), table(['Account', 'Type', 'Description', 'Profile'], d.accounts.map((a) => el('tr', {},
      cell(a.id, 'mono'), cell(a.type), cell(a.description), cell(a.profileId, 'mono'))), 'No account.'),
    el('h3', { text: 'Requests that named it' }), requestTable(d.requests),
  ], same);
}

function requestTable(requests) {
  return table(['Method', 'Route', 'Status', 'Fault', 'Duration'], requests.map(requestRow), 'No request.');
}
function requestRow(r) {
  return el('tr', {}, cell(r.method), cell(r.route || r.path, 'mono'), cell(r.status === undefined ? 'dropped' : r.status),
    cell(r.fault), cell(r.durationMs === undefined ? undefined : r.durationMs.toFixed(1) + ' ms'));
}

async function loadEvents() {
  const { events, total } = await api('/console/api/events');
  fill($('event-rows'), events.map((e) => el('tr', {}, cell(time(e.createdAt)), cell(e.type, 'mono'), cell(e.identityId, 'mono'),
    cell(e.newSummaryStatus ? text(e.oldSummaryStatus) + ' → ' + e.newSummaryStatus : undefined), cell(e.undeliveredWebhooks))), 'No event yet.', total);
}

function redeliver(webhook, eventId) {
  return el('button', { type: 'button', text: 'Redeliver', 'aria-label': 'Redeliver event ' + eventId + ' to ' + webhook, onclick: async () => {
    try { await post('/console/api/webhooks/redeliver', { webhook, eventId }); say('Queued again for ' + webhook + '.'); }
    catch (error) { say(error.message); }
  } });
}

async function loadWebhooks() {
  const { webhooks, attempts, undelivered, totalAttempts, totalUndelivered } = await api('/console/api/webhooks');
  fill($('webhook-rows'), webhooks.map((w) => el('tr', {}, cell(w.name), cell(w.url, 'mono'), cell(w.authType), cell(w.ratePerSecond + '/s'))),
    'No webhook: pass webhooks to the emulator.');
  fill($('undelivered-rows'), undelivered.map((u) => el('tr', {}, cell(u.webhook), cell(u.eventType + ' ' + short(u.eventId), 'mono'), cell(u.state),
    cell(u.attempts), cell(u.lastStatus || u.lastError), cell(u.nextAttemptAt ? time(u.nextAttemptAt) : undefined), el('td', {}, redeliver(u.webhook, u.eventId)))),
    'Nothing waiting.', totalUndelivered);
  fill($('attempt-rows'), attempts.map((a) => el('tr', {}, cell(time(a.startedAt)), cell(a.webhook), cell(a.eventType + ' ' + short(a.eventId), 'mono'),
    cell(a.attempt), cell((a.delivered ? 'delivered ' : 'failed ') + (a.status || a.error || '')), el('td', {}, redeliver(a.webhook, a.eventId)))),
    'No attempt yet.', totalAttempts);
}

async function loadRequests() {
  const { requests, total } = await api('/console/api/requests');
  fill($('request-rows'), requests.map(requestRow), 'No request yet.', total);
}

function describeFault(f) {
  if (f.kind === 'status') return 'status ' + f.status;
  if (f.kind === 'delay') return 'delay ' + f.ms + ' ms';
  if (f.kind === 'drop') return 'drop ' + f.when;
  return f.kind;
}
async function loadFaults() {
  const { faults } = await api('/console/api/faults');
  fill($('fault-rows'), faults.map((f) => el('tr', {}, cell(describeFault(f.fault)), cell(f.remaining), cell(f.hits))), 'No fault armed.');
}

const loaders = { identities: loadIdentities, detail: loadDetail, events: loadEvents, webhooks: loadWebhooks, requests: loadRequests, faults: loadFaults };

/** Re-reads what is on screen; a topic asked for while it loads is read once more after. */
async function refresh(topics) {
  const wanted = new Set(topics.filter((t) => t === 'detail' ? state.page === 'identities' && state.selected : t === state.page || t === 'identities' && state.page === 'identities'));
  await Promise.all([...wanted].map(async (topic) => {
    if (state.loading.has(topic)) { state.again.add(topic); return; }
    state.loading.add(topic);
    try { await loaders[topic](); } catch (error) { say(error.message); }
    state.loading.delete(topic);
    if (state.again.delete(topic)) await refresh([topic]);
  }));
}
const everything = () => refresh(['identities', 'detail', 'events', 'webhooks', 'requests', 'faults']);

function show(page) {
  state.page = page;
  for (const tab of document.querySelectorAll('.tab')) {
    if (tab.dataset.page === page) tab.setAttribute('aria-current', 'page'); else tab.removeAttribute('aria-current');
  }
  for (const section of document.querySelectorAll('.page')) section.hidden = section.id !== 'page-' + page;
  everything();
}

function connect() {
  $('live').textContent = 'Connecting…';
  const source = new EventSource('/console/api/stream');
  source.addEventListener('open', () => { $('live').textContent = 'Live'; });
  source.addEventListener('error', () => { $('live').textContent = 'Reconnecting…'; });
  // The feed names what changed; the page reads it again rather than trusting data pushed to it.
  source.addEventListener('change', () => everything());
}

function init() {
  for (const tab of document.querySelectorAll('.tab')) tab.addEventListener('click', () => show(tab.dataset.page));
  $('search').addEventListener('input', (event) => { state.query = event.target.value; refresh(['identities']); });
  const form = $('fault-form');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const data = Object.fromEntries(new FormData(form));
    const kind = data.kind;
    const body = { kind, times: Number(data.times), method: data.method, path: data.path };
    if (kind === 'status') body.status = Number(data.status);
    if (kind === 'delay') body.ms = Number(data.ms);
    if (kind === 'drop') body.when = data.when;
    try { await post('/console/api/faults', body); say('Fault armed.'); await refresh(['faults']); } catch (error) { say(error.message); }
  });
  $('fault-clear').addEventListener('click', async () => {
    try { await api('/console/api/faults', { method: 'DELETE' }); await refresh(['faults']); } catch (error) { say(error.message); }
  });
  connect();
  everything();
}
init();
`;
