import { readFile } from 'node:fs/promises';
import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import {
  bulkEventsSchema,
  employeeLeftEventSchema,
  eventIdParamSchema,
  reissueSchema,
} from '../hris/hris.schemas.ts';
import type { LinkAccess } from '../hris/invitation.service.ts';
import { interviewCredential, requireCredential } from '../http/auth.ts';
import type { AppEnv } from '../http/context.ts';
import { payloadTooLarge } from '../http/limits.ts';
import { idParamSchema } from '../http/schemas.ts';
import { validate } from '../http/validation.ts';
import { actorOf, requireApiKeyOrAdmin } from '../privacy/route-auth.ts';
import type { Services } from '../services.ts';

/** HRIS events and invitation management (`/v1/hris`; API key or admin). */
export function hrisRoutes(services: Services) {
  const app = new Hono<AppEnv>();
  app.use(requireApiKeyOrAdmin(services, 'interviews:write'));
  const { invitations } = services;
  // Links of started interviews open the employee's answers: admins and keys that may read transcripts only.
  const access = (c: Context<AppEnv>): LinkAccess => {
    const credential = c.get('credential');
    return {
      startedInterviews: credential.kind !== 'api-key' || credential.scopes.includes('transcripts:read'),
    };
  };

  app.post(
    '/events',
    bodyLimit({ maxSize: 64 * 1024, onError: payloadTooLarge }),
    validate('json', employeeLeftEventSchema),
    async (c) => {
      const [outcome] = await invitations.receive(
        c.get('tenant'),
        [c.req.valid('json')],
        actorOf(c),
        access(c),
      );
      return c.json(outcome, outcome?.outcome === 'created' && !outcome.duplicate ? 201 : 200);
    },
  );

  // An event id repeated within one batch is handled once; its later positions answer duplicate: true.
  app.post('/events/bulk', validate('json', bulkEventsSchema), async (c) =>
    c.json({
      results: await invitations.receive(c.get('tenant'), c.req.valid('json').events, actorOf(c), access(c)),
    }),
  );

  app.get('/events/:eventId', validate('param', eventIdParamSchema), async (c) =>
    c.json(
      await invitations.eventOutcome(c.get('tenant'), c.req.valid('param').eventId, access(c), actorOf(c)),
    ),
  );

  app.get('/interviews/:id/invitation', validate('param', idParamSchema), async (c) =>
    c.json(await invitations.invitation(c.get('tenant'), c.req.valid('param').id)),
  );

  app.post(
    '/interviews/:id/reissue',
    validate('param', idParamSchema),
    validate('json', reissueSchema),
    async (c) =>
      c.json(
        await invitations.reissue(
          c.get('tenant'),
          c.req.valid('param').id,
          c.req.valid('json'),
          actorOf(c),
          access(c),
        ),
      ),
  );

  app.post('/interviews/:id/revoke', validate('param', idParamSchema), async (c) =>
    c.json(await invitations.revoke(c.get('tenant'), c.req.valid('param').id, actorOf(c))),
  );

  return app;
}

/** `POST /v1/interview/session`: exchanges the link's token for a session token (interview token). */
export function interviewSessionRoutes(services: Services) {
  const app = new Hono<AppEnv>();
  app.post('/v1/interview/session', requireCredential(services, 'interview'), async (c) =>
    c.json(await services.invitations.openSession(interviewCredential(c))),
  );
  return app;
}

const pageCsp =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
const pagesDir = new URL('../hris/pages/', import.meta.url);

/** The standalone interview page the invitation link opens (`/i`) and its script (`/i.js`). */
export function interviewLinkPageRoutes() {
  const app = new Hono<AppEnv>();
  let html: string | undefined;
  let script: string | undefined;
  app.get('/i', async (c) => {
    html ??= await readFile(new URL('interview-link.html', pagesDir), 'utf8');
    return c.html(html, 200, {
      'Content-Security-Policy': pageCsp,
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
    });
  });
  app.get('/i.js', async (c) => {
    script ??= await readFile(new URL('interview-link.js', pagesDir), 'utf8');
    return c.body(script, 200, {
      'Content-Type': 'text/javascript; charset=utf-8',
      'Cache-Control': 'public, max-age=300',
      'X-Content-Type-Options': 'nosniff',
    });
  });
  return app;
}
