export { createRedactor, type PiiKind, type Redactor, type RedactorOptions } from './redactor.ts';
