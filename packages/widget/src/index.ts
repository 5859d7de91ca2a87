// Public entry of @exitbot/widget for bundlers. Importing it registers nothing: call defineExitInterview().

export { type DefineExitInterviewOptions, defineExitInterview } from './exit-interview/define.ts';
export {
  ExitInterview,
  type ExitInterviewEventDetails,
  type ExitInterviewTheme,
  exitInterviewEventNames,
} from './exit-interview/exit-interview.ts';
export { resolveLocale, stringsFor, type WidgetStrings } from './exit-interview/localize.ts';
