// The invitation link carries its token in the URL fragment (browsers never send a fragment to a
// server, so it stays out of access logs and Referer headers). This page removes it from the address
// bar at once (history.replaceState, so it is not in the history either), exchanges it for a session
// token, keeps that for this tab only (sessionStorage, so a reload works) and mounts <exit-interview>.
const storageKey = 'exitbot.session';
const status = document.getElementById('link-status');
const slot = document.getElementById('interview-slot');

function show(message) {
  status.textContent = message;
  status.hidden = false;
}

function readSession() {
  try {
    const stored = JSON.parse(sessionStorage.getItem(storageKey) ?? 'null');
    if (stored && typeof stored.token === 'string' && Date.parse(stored.expiresAt) > Date.now() + 60_000)
      return stored;
  } catch {
    // An unreadable entry is treated as none.
  }
  sessionStorage.removeItem(storageKey);
  return null;
}

async function exchange(linkToken) {
  const response = await fetch('/v1/interview/session', {
    method: 'POST',
    headers: { Authorization: `Bearer ${linkToken}`, Accept: 'application/json' },
  });
  if (response.ok) return response.json();
  if (response.status === 401) throw new Error('This link is no longer valid. Ask HR for a new one.');
  if (response.status === 409) throw new Error('This interview has expired.');
  if (response.status === 404) throw new Error('This interview no longer exists.');
  throw new Error('The interview could not be opened. Try again in a moment.');
}

function mount(token) {
  const element = document.createElement('exit-interview');
  element.setAttribute('token', token);
  slot.replaceChildren(element);
}

async function open() {
  const parameters = new URLSearchParams(location.hash.slice(1));
  const linkToken = parameters.get('token');
  if (linkToken) history.replaceState(null, '', location.pathname);
  if (linkToken) {
    try {
      const session = await exchange(linkToken);
      sessionStorage.setItem(
        storageKey,
        JSON.stringify({ token: session.token, expiresAt: session.expiresAt }),
      );
      mount(session.token);
    } catch (error) {
      show(error.message);
    }
    return;
  }
  const session = readSession();
  if (session) mount(session.token);
  else show('Open the link you were sent to start your exit interview.');
}

open();
