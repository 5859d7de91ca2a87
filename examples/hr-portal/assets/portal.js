// The portal's own script: it reacts to the ExitBot elements' events. No event carries what the
// employee wrote, so nothing of the conversation reaches this page's code. Only textContent is set:
// the page requires Trusted Types, so HTML sinks would be refused.

/** Marks the exit interview item of the checklist. */
function setInterviewStatus(text, done) {
  const status = document.getElementById('exit-interview-status');
  if (!status) return;
  status.textContent = text;
  status.classList.toggle('done', done);
}

document.addEventListener('exit-start', () => setInterviewStatus('In progress', false));

document.addEventListener('exit-complete', (event) => {
  setInterviewStatus(event.detail.reason === 'finished-early' ? 'Done (ended early)' : 'Done', true);
});

document.addEventListener('exit-error', (event) => {
  // An expired or revoked link: a real portal would ask its backend for a new interview token.
  if (!event.detail.recoverable) setInterviewStatus('Link no longer valid: reload the page', false);
});

document.addEventListener('exit-insights-error', (event) => {
  const notice = document.getElementById('insights-notice');
  if (!notice) return;
  notice.textContent =
    event.detail.status === 401
      ? 'Your analytics session has expired. Sign in again to see the figures.'
      : `The dashboard could not load its figures (${event.detail.code}).`;
  notice.hidden = false;
});
