// One command, no setup: starts ExitBot in this process (embedded database in a temp folder), a
// webhook receiver on 127.0.0.1, then plays the HRIS (an endpoint and "employee left" events) and the
// employee (opens the link from the interview.invited webhook and answers), and prints every signed
// webhook that arrives until the report is ready.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, createLogger, loadConfig, openRuntime } from '@exitbot/server';
import { serve } from '@hono/node-server';
import { hrisClient, sampleEvents } from './hris.ts';
import { type ExitBotEvent, startReceiver } from './receiver.ts';

const dataDir = await mkdtemp(join(tmpdir(), 'exitbot-hris-example-'));
// A free port first, so that the links in the webhooks carry the real address.
const port = await new Promise<number>((resolve) => {
  const probe = createServer().listen(0, '127.0.0.1', () => {
    const address = probe.address();
    probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
  });
});
const baseUrl = `http://127.0.0.1:${port}`;
const config = loadConfig({
  ...process.env,
  EXITBOT_DATA_DIR: dataDir,
  DATABASE_URL: undefined,
  PORT: String(port),
  EXITBOT_PUBLIC_URL: baseUrl,
  EXITBOT_DEMO: 'false',
  // The receiver runs on 127.0.0.1: allowed here, refused by default (SSRF guard).
  EXITBOT_WEBHOOK_ALLOW_PRIVATE: 'true',
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
});
const logger = createLogger({ level: config.logLevel });
const { services, database } = await openRuntime({ config, logger });
const app = createApp(services);
const server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' });
await new Promise<void>((resolve) => server.once('listening', () => resolve()));
services.jobs.start();

const tenant = await services.tenants.create({ name: 'Example Corp' });
const { key: apiKey } = await services.apiKeys.create({ tenantId: tenant.id, name: 'hris' });
console.log(`ExitBot is running at ${baseUrl} (tenant ${tenant.id})`);

let secret: string | undefined;
let finish: () => void = () => undefined;
const done = new Promise<void>((resolve) => {
  finish = resolve;
});
const started = new Set<string>();

async function playEmployee(link: string): Promise<void> {
  // The landing page /i does exactly this: read the fragment, exchange it for a session token.
  console.log(`  employee opens ${link.slice(0, 60)}…`);
  const linkToken = new URL(link).hash.replace('#token=', '');
  const session = (await (
    await fetch(`${baseUrl}/v1/interview/session`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${linkToken}` },
    })
  ).json()) as { token: string };
  const say = async (body: Record<string, unknown>) => {
    const response = await fetch(`${baseUrl}/v1/interview/messages`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${session.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ clientMessageId: `m_${crypto.randomUUID().replaceAll('-', '')}`, ...body }),
    });
    const { events } = (await response.json()) as { events: Array<{ type: string; text?: string }> };
    const question = events.find((event) => event.type === 'question-end');
    if (question?.text) console.log(`  interviewer: ${question.text}`);
  };
  await say({ type: 'start' });
  console.log('  employee:    I am leaving for a role with more growth; my manager was supportive.');
  await say({ type: 'answer', text: 'I am leaving for a role with more growth; my manager was supportive.' });
  await say({ type: 'finish' });
}

const receiver = await startReceiver({
  secret: () => secret,
  failFirst: 1,
  onEvent: (event: ExitBotEvent, id: string) => {
    console.log(`\nwebhook ${event.type} (webhook-id ${id}, signature verified)`);
    console.log(`  ${JSON.stringify(event.data)}`);
    if (event.type === 'interview.invited' && typeof event.data.link === 'string') {
      console.log('  -> an HRIS or mail service would now email this link to the employee');
      const interviewId = String(event.data.interviewId);
      if (!started.has(interviewId)) {
        started.add(interviewId);
        playEmployee(event.data.link).catch((error) => console.error('employee failed', error));
      }
    }
    if (event.type === 'report.ready') finish();
  },
});

const hris = hrisClient({ baseUrl, apiKey });
const endpoint = await hris.registerEndpoint(receiver.url);
secret = endpoint.secret;
console.log(`Registered the webhook endpoint ${receiver.url}; secret ${secret.slice(0, 12)}... (shown once)`);

const { results } = await hris.sendEvents(sampleEvents());
console.log('\nHRIS sent three "employee left" events:');
for (const result of results) {
  console.log(
    `  ${result.eventId}: ${result.outcome}${result.reason ? ` (${result.reason})` : ''}${result.duplicate ? ' (duplicate event id)' : ''}`,
  );
}

const timeout = setTimeout(() => {
  console.error('\nNo report.ready within 90 s');
  process.exitCode = 1;
  finish();
}, 90_000);
await done;
clearTimeout(timeout);
console.log('\nDone: invitation, start, completion and report all arrived as signed webhooks.');
server.close();
receiver.server.close();
await services.jobs.stop();
await database.close();
await rm(dataDir, { recursive: true, force: true });
