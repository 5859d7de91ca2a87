// HR admin page: team access and API keys through /v1/admin; the dashboard, the interview list, reports and
// transcripts are <exit-insights> (from /insights.js).
const $ = (id) => document.getElementById(id);
const fragment = new URLSearchParams(location.hash.slice(1));
if (fragment.get('token')) {
  sessionStorage.setItem('exitbot-admin-token', fragment.get('token'));
  history.replaceState(null, '', location.pathname);
}
let token = sessionStorage.getItem('exitbot-admin-token');

async function api(path, { method = 'GET', body: payload } = {}) {
  const response = await fetch(path, {
    method,
    headers: {
      Authorization: `Bearer ${token}`,
      Accept: 'application/json',
      ...(payload === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    ...(payload === undefined ? {} : { body: JSON.stringify(payload) }),
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

/** Role and subject of the current token (read from its payload for display; the server checks it). */
function tokenClaims() {
  try {
    const payload = token.split('.')[1].replaceAll('-', '+').replaceAll('_', '/');
    const bytes = Uint8Array.from(atob(payload), (char) => char.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return {};
  }
}

function useToken(next) {
  token = next;
  sessionStorage.setItem('exitbot-admin-token', token);
  $('insights').token = token;
}

$('issue-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  $('access-status').textContent = '';
  $('issued').hidden = true;
  try {
    const issued = await api('/v1/admin/tokens', {
      method: 'POST',
      body: {
        subject: $('issue-subject').value.trim(),
        role: $('issue-role').value,
        ttlHours: Number($('issue-hours').value),
      },
    });
    const until = new Date(issued.expiresAt).toLocaleString();
    $('issued-label').textContent =
      `Sign-in link for ${issued.subject} (${issued.role}), valid until ${until}:`;
    $('issued-url').value = issued.adminUrl;
    $('issued').hidden = false;
    $('issued-url').select();
  } catch (error) {
    $('access-status').textContent = error.message;
  }
});
$('issued-copy').addEventListener('click', async () => {
  await navigator.clipboard?.writeText($('issued-url').value).catch(() => undefined);
  $('issued-url').select();
  $('access-status').textContent = 'Copied.';
});
$('revoke').addEventListener('click', async () => {
  if (!confirm('Sign out everyone? Every admin and analyst link issued so far stops working.')) return;
  try {
    const result = await api('/v1/admin/tokens/revoke', { method: 'POST' });
    useToken(result.token);
    $('issued').hidden = true;
    $('access-status').textContent =
      `Signed out every link issued before ${new Date(result.revokedBefore).toLocaleString()}. You are still signed in.`;
  } catch (error) {
    $('access-status').textContent = error.message;
  }
});

// API keys: listed with what each may do; a new key is shown once.
async function loadKeys() {
  const { apiKeys } = await api('/v1/admin/api-keys');
  $('key-rows').replaceChildren(
    ...apiKeys
      .filter((key) => !key.revokedAt)
      .map((key) => {
        const row = document.createElement('tr');
        const revoke = document.createElement('button');
        revoke.type = 'button';
        revoke.className = 'danger';
        revoke.textContent = 'Revoke';
        revoke.addEventListener('click', async () => {
          if (!confirm(`Revoke the key "${key.name}"? The system using it stops working at once.`)) return;
          try {
            await api(`/v1/admin/api-keys/${key.id}`, { method: 'DELETE' });
            $('key-status').textContent = `Revoked "${key.name}".`;
            await loadKeys();
          } catch (error) {
            $('key-status').textContent = error.message;
          }
        });
        const actions = document.createElement('td');
        actions.append(revoke);
        const used = key.lastUsedAt ? new Date(key.lastUsedAt).toLocaleString() : 'never';
        row.append(cell(key.name), cell(key.prefix), cell(key.scopes.join(', ')), cell(used), actions);
        return row;
      }),
  );
}
$('key-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  $('key-status').textContent = '';
  $('key-created').hidden = true;
  const scopes = [...document.querySelectorAll('#key-form input[name="scope"]:checked')].map(
    (box) => box.value,
  );
  if (scopes.length === 0) {
    $('key-status').textContent = 'Choose at least one thing the key may do.';
    return;
  }
  try {
    const created = await api('/v1/admin/api-keys', {
      method: 'POST',
      body: { name: $('key-name').value.trim(), scopes },
    });
    $('key-created-label').textContent =
      `Key for ${created.name} (${created.scopes.join(', ')}). It is shown only now: store it in that system.`;
    $('key-created-value').value = created.key;
    $('key-created').hidden = false;
    $('key-created-value').select();
    $('key-form').reset();
    await loadKeys();
  } catch (error) {
    $('key-status').textContent = error.message;
  }
});
$('key-copy').addEventListener('click', async () => {
  await navigator.clipboard?.writeText($('key-created-value').value).catch(() => undefined);
  $('key-created-value').select();
  $('key-status').textContent = 'Copied.';
});

function askForToken(message) {
  $('insights').hidden = true;
  $('access').hidden = true;
  $('integrations').hidden = true;
  $('token-form').hidden = false;
  if (message) $('who').textContent = message;
}

$('token-form').addEventListener('submit', (event) => {
  event.preventDefault();
  token = $('token-input').value.trim();
  sessionStorage.setItem('exitbot-admin-token', token);
  start();
});

async function start() {
  if (!token) return askForToken();
  $('token-form').hidden = true;
  try {
    const { tenant } = await api('/v1/admin/settings');
    const claims = tokenClaims();
    $('who').textContent = claims.sub ? `${tenant.name} · ${claims.sub} (${claims.role})` : tenant.name;
    $('access').hidden = claims.role !== 'admin';
    $('integrations').hidden = claims.role !== 'admin';
    if (claims.role === 'admin') loadKeys().catch((error) => ($('key-status').textContent = error.message));
  } catch (error) {
    if (error.status === 401) return askForToken('The token was refused (expired or wrong).');
    $('who').textContent = error.message;
  }
  Object.assign($('insights'), { token, lang: navigator.language, hidden: false });
}
start();
