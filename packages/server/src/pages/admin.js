// HR admin page: lists the tenant's interviews and shows reports and transcripts through /v1/admin.
const $ = (id) => document.getElementById(id);
const fragment = new URLSearchParams(location.hash.slice(1));
if (fragment.get('token')) {
  sessionStorage.setItem('exitbot-admin-token', fragment.get('token'));
  history.replaceState(null, '', location.pathname);
}
let token = sessionStorage.getItem('exitbot-admin-token');
let cursor = null;

async function api(path) {
  const response = await fetch(path, {
    headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
  });
  const body = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) {
    const error = new Error(body?.error?.message ?? `HTTP ${response.status}`);
    error.status = response.status;
    throw error;
  }
  return body;
}

function cell(text) {
  const td = document.createElement('td');
  td.textContent = text ?? '—';
  return td;
}

async function loadPage() {
  $('status').textContent = 'Loading…';
  try {
    const page = await api(
      `/v1/admin/interviews?limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    for (const interview of page.interviews) {
      const tr = document.createElement('tr');
      tr.append(
        cell(new Date(interview.createdAt).toLocaleString()),
        cell(interview.status),
        cell(interview.mode),
        cell(interview.attributes?.department),
        cell(interview.report.status),
      );
      const open = document.createElement('button');
      open.type = 'button';
      open.textContent = 'Open';
      open.addEventListener('click', () => showDetail(interview.id));
      const td = document.createElement('td');
      td.append(open);
      tr.append(td);
      $('rows').append(tr);
    }
    cursor = page.nextCursor;
    $('more').hidden = !cursor;
    $('status').textContent = $('rows').children.length === 0 ? 'No interviews yet.' : '';
  } catch (error) {
    if (error.status === 401) return askForToken('The token was refused (expired or wrong).');
    $('status').textContent = error.message;
  }
}

async function showDetail(id) {
  $('list').hidden = true;
  $('detail').hidden = false;
  $('detail-title').textContent = `Interview ${id}`;
  $('report').textContent = 'Loading…';
  $('transcript').replaceChildren();
  const detail = await api(`/v1/admin/interviews/${id}`);
  try {
    const { report } = await api(`/v1/admin/interviews/${id}/report`);
    const pre = document.createElement('pre');
    pre.textContent = JSON.stringify(report, null, 2);
    $('report').replaceChildren(pre);
  } catch {
    $('report').textContent = `No report yet (${detail.interview.report.status}).`;
  }
  for (const message of detail.transcript ?? []) {
    const li = document.createElement('li');
    li.className = message.role;
    li.textContent = message.text || `(${message.kind})`;
    $('transcript').append(li);
  }
  if (!detail.transcript) $('transcript').textContent = 'Transcripts are visible to the admin role only.';
}

function askForToken(message) {
  $('list').hidden = true;
  $('detail').hidden = true;
  $('token-form').hidden = false;
  if (message) $('who').textContent = message;
}

$('token-form').addEventListener('submit', (event) => {
  event.preventDefault();
  token = $('token-input').value.trim();
  sessionStorage.setItem('exitbot-admin-token', token);
  start();
});
$('more').addEventListener('click', loadPage);
$('back').addEventListener('click', () => {
  $('detail').hidden = true;
  $('list').hidden = false;
});

async function start() {
  if (!token) return askForToken();
  $('token-form').hidden = true;
  try {
    const { tenant } = await api('/v1/admin/settings');
    $('who').textContent = tenant.name;
  } catch (error) {
    if (error.status === 401) return askForToken('The token was refused (expired or wrong).');
  }
  // The insights dashboard (<exit-insights> from /insights.js) above the transcript list.
  Object.assign($('insights'), { token, lang: navigator.language, hidden: false });
  $('list').hidden = false;
  $('rows').replaceChildren();
  cursor = null;
  await loadPage();
}
start();
