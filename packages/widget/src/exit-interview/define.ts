import { ExitInterview } from './exit-interview.ts';

/** Options of {@link defineExitInterview}. */
export interface DefineExitInterviewOptions {
  /** Server to talk to when an element has no `api` attribute (the script-tag builds pass their own origin). */
  defaultApi?: string | undefined;
}

/**
 * Registers `<exit-interview>`. Safe to run twice (the script tag may be included twice, or two
 * builds may meet on one page): the first definition wins and later calls change nothing.
 */
export function defineExitInterview(options: DefineExitInterviewOptions = {}): void {
  if (options.defaultApi && ExitInterview.defaultApi === undefined)
    ExitInterview.defaultApi = options.defaultApi;
  if (!customElements.get('exit-interview')) customElements.define('exit-interview', ExitInterview);
}
