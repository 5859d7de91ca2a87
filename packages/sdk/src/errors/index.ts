export { ExitBotError, type ExitBotErrorCode, ModelCallError } from './exitbot-error.ts';
