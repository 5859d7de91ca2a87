import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { interviewCredential, requireCredential } from '../http/auth.ts';
import type { AppEnv } from '../http/context.ts';
import { payloadTooLarge } from '../http/limits.ts';
import { messagesQuerySchema, postMessageSchema } from '../http/schemas.ts';
import { sseResponse } from '../http/sse.ts';
import { validate } from '../http/validation.ts';
import type { Services } from '../services.ts';

/** Employee routes (`/v1/interview`), authorised by an interview token. */
export function employeeRoutes(services: Services) {
  const app = new Hono<AppEnv>();
  // Posting a message checks the token's version and revocation on the interview row its own transaction
  // locks (one transaction less per turn); the other routes check it in the middleware. Registered first,
  // so that the middleware below never runs for it.
  app.post(
    '/messages',
    requireCredential(services, 'interview', { routeChecksTokenState: true }),
    bodyLimit({ maxSize: 32 * 1024, onError: payloadTooLarge }),
    validate('json', postMessageSchema),
    async (c) => {
      const credential = interviewCredential(c);
      const body = c.req.valid('json');
      const stream = await services.turns.post({
        tenant: c.get('tenant'),
        interviewId: credential.interviewId,
        credential,
        clientMessageId: body.clientMessageId,
        type: body.type,
        ...(body.text !== undefined ? { text: body.text } : {}),
        requestId: c.get('requestId'),
      });
      if ((c.req.header('accept') ?? '').includes('text/event-stream')) {
        const response = sseResponse(stream, { flushIntervalMs: services.config.sseFlushMs });
        for (const [name, value] of Object.entries(Object.fromEntries(c.res.headers))) {
          if (!response.headers.has(name)) response.headers.set(name, value);
        }
        return response;
      }
      const events = await stream.done;
      return c.json({ accepted: stream.accepted ?? null, events });
    },
  );

  app.use(requireCredential(services, 'interview'));

  app.get('/', async (c) => {
    const { interviewId } = interviewCredential(c);
    return c.json(await services.interviews.employeeView(c.get('tenant'), interviewId));
  });

  app.get('/messages', validate('query', messagesQuerySchema), async (c) => {
    const { interviewId } = interviewCredential(c);
    const { after } = c.req.valid('query');
    return c.json(await services.interviews.employeeMessages(c.get('tenant'), interviewId, after));
  });

  return app;
}
