// The token travels in the URL fragment (never sent to a server or written to logs); move it to the element.
const parameters = new URLSearchParams(location.hash.slice(1));
const token = parameters.get('token');
if (token) {
  const element = document.createElement('exit-interview');
  element.setAttribute('token', token);
  document.getElementById('interview-slot').append(element);
  history.replaceState(null, '', location.pathname);
} else {
  document.getElementById('missing-token').hidden = false;
}
