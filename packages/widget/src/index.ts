// Public entry of @exitbot/widget for bundlers. Importing it registers nothing: call defineExitInterview().

export { type DefineExitInsightsOptions, defineExitInsights } from './exit-insights/define.ts';
export {
  ExitInsights,
  type ExitInsightsEventDetails,
  exitInsightsEventNames,
} from './exit-insights/exit-insights.ts';
export { type DefineExitInterviewOptions, defineExitInterview } from './exit-interview/define.ts';
export {
  ExitInterview,
  type ExitInterviewEventDetails,
  type ExitInterviewTheme,
  exitInterviewEventNames,
} from './exit-interview/exit-interview.ts';
export { resolveLocale, stringsFor, type WidgetStrings } from './exit-interview/localize.ts';
