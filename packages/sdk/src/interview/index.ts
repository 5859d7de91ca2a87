export {
  type AnswerAssessment,
  type AnswerKind,
  assessAnswer,
  isDecline,
} from './answer-assessment.ts';
export { createInterviewer, interviewProgress, maxAnswerLength } from './interviewer.ts';
export { maxQuestionLength } from './phrase-question.ts';
export { interviewerPromptVersion } from './prompt.ts';
export type {
  EmployeeInput,
  InterviewEndReason,
  Interviewer,
  InterviewerOptions,
  InterviewPeople,
  InterviewState,
  TopicProgress,
  TopicStatus,
  TranscriptMessage,
  TurnResult,
} from './types.ts';
