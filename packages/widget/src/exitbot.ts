// The script-tag build (ESM): `<script type="module" src="https://HOST/exitbot.js">`.
import { defineExitInterview } from './exit-interview/define.ts';

defineExitInterview({ defaultApi: new URL(import.meta.url).origin });
// Only the server's embed frame page needs the frame side of isolated mode.
if (document.querySelector('meta[name="exitbot-allowed-origins"]')) {
  void import('./exit-interview/frame.ts').then((module) => module.startEmbedFrame());
}
