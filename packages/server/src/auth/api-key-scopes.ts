/**
 * What an API key may do: create interviews and manage their invitations, directly or from HRIS events
 * (`interviews:write`); list and read them with the employee's identity and HRIS attributes
 * (`interviews:read`); read transcripts (`transcripts:read`) and reports (`reports:read`); erase interviews
 * and an employee's data (`interviews:delete`); manage webhook endpoints and deliveries (`webhooks:manage`).
 * Links of interviews the employee started open their answers: keys without `transcripts:read` never get
 * one. Webhook endpoints receive invitation links and the employee's name and email, so `webhooks:manage`
 * (which chooses where they go) is as sensitive as `transcripts:read`.
 */
export const apiKeyScopes = [
  'interviews:write',
  'interviews:read',
  'transcripts:read',
  'reports:read',
  'interviews:delete',
  'webhooks:manage',
] as const;

/** One of `apiKeyScopes`. */
export type ApiKeyScope = (typeof apiKeyScopes)[number];
