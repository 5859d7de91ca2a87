export { defaultGuide } from './default-guide.ts';
export { type GuideIssue, guideSchema, localizedTextSchema, parseGuide } from './guide-schema.ts';
export { localize } from './localize.ts';
export { normalizeText } from './normalize-text.ts';
export type { Guide, GuideTopic, LocalizedText } from './types.ts';
