import { ExitInsights } from './exit-insights.ts';

/** Options of {@link defineExitInsights}. */
export interface DefineExitInsightsOptions {
  /** Server to talk to when an element has no `api` attribute (the script-tag build passes its own origin). */
  defaultApi?: string | undefined;
}

/**
 * Registers `<exit-insights>`. Safe to run twice (the script tag may be included twice): the first
 * definition wins and later calls change nothing.
 */
export function defineExitInsights(options: DefineExitInsightsOptions = {}): void {
  if (options.defaultApi && ExitInsights.defaultApi === undefined)
    ExitInsights.defaultApi = options.defaultApi;
  if (!customElements.get('exit-insights')) customElements.define('exit-insights', ExitInsights);
}
