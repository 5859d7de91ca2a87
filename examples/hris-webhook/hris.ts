// Plays an HRIS: registers a webhook endpoint and sends "employee left" events to ExitBot.
// Run against a server: EXITBOT_URL=http://localhost:3000 EXITBOT_API_KEY=exb_... WEBHOOK_URL=... node hris.ts

/** A client of the HRIS-facing part of the ExitBot API. */
export function hrisClient(options: { baseUrl: string; apiKey: string }) {
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${options.baseUrl}${path}`, {
      method,
      headers: { Authorization: `Bearer ${options.apiKey}`, 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }
  return {
    /** Registers an endpoint for every event; the secret comes back once. */
    registerEndpoint: (url: string) =>
      call<{ endpoint: { id: string }; secret: string }>('POST', '/v1/webhooks/endpoints', {
        url,
        eventTypes: [
          'interview.invited',
          'interview.reminder',
          'interview.started',
          'interview.completed',
          'interview.expired',
          'interview.revoked',
          'report.ready',
          'interview.erased',
        ],
        description: 'HRIS example',
      }),
    /** Sends "employee left" events; each answer says created, updated, skipped (and why) or duplicate. */
    sendEvents: (events: unknown[]) =>
      call<{
        results: Array<{
          eventId: string;
          outcome: string;
          reason: string | null;
          duplicate: boolean;
          link: string | null;
        }>;
      }>('POST', '/v1/hris/events/bulk', { events }),
  };
}

/** Three departures as an HRIS would report them; one event is sent twice. */
export function sampleEvents(today = new Date()): unknown[] {
  const inDays = (days: number) => new Date(today.getTime() + days * 86_400_000).toISOString().slice(0, 10);
  const voluntary = {
    eventId: `hris-evt-${today.getTime()}-1`,
    employeeId: 'E-1042',
    name: 'Alex Morgan',
    email: 'alex.morgan@example.com',
    department: 'Engineering',
    location: 'Berlin',
    level: 'Senior',
    startDate: '2021-03-01',
    lastDay: inDays(2),
    terminationType: 'voluntary',
  };
  return [
    voluntary,
    {
      eventId: `hris-evt-${today.getTime()}-2`,
      employeeId: 'E-2077',
      name: 'Sam Lee',
      email: 'sam.lee@example.com',
      department: 'Sales',
      lastDay: inDays(10),
      terminationType: 'involuntary',
    },
    voluntary,
  ];
}

if (import.meta.main) {
  const { EXITBOT_URL, EXITBOT_API_KEY, WEBHOOK_URL } = process.env;
  if (!EXITBOT_URL || !EXITBOT_API_KEY) {
    console.error('Set EXITBOT_URL and EXITBOT_API_KEY (exitbot tenant create prints one).');
    process.exit(1);
  }
  const client = hrisClient({ baseUrl: EXITBOT_URL, apiKey: EXITBOT_API_KEY });
  if (WEBHOOK_URL) {
    const { secret } = await client.registerEndpoint(WEBHOOK_URL);
    console.log(`Registered ${WEBHOOK_URL}; its secret (shown once): ${secret}`);
  }
  const { results } = await client.sendEvents(sampleEvents());
  for (const result of results) {
    console.log(
      `${result.eventId}: ${result.outcome}${result.reason ? ` (${result.reason})` : ''}${result.duplicate ? ', duplicate' : ''}`,
    );
  }
}
