// The script-tag build for pages that cannot use modules: `<script src="https://HOST/exitbot.classic.js">`.
import { defineExitInterview } from './exit-interview/define.ts';
import { startEmbedFrame } from './exit-interview/frame.ts';

const script = document.currentScript as HTMLScriptElement | null;
defineExitInterview({ defaultApi: script?.src ? new URL(script.src).origin : undefined });
if (document.readyState === 'loading') addEventListener('DOMContentLoaded', startEmbedFrame, { once: true });
else startEmbedFrame();
