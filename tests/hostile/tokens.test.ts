// Token attacks against the real server over HTTP on real Postgres: every forged, mangled or
// misplaced credential is refused with the same 401, no outbound request is made for a key URL in a
// header, and no credential ever appears in the server's logs.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInterview, getJson, newMessageId, postMessage } from '../faults/support/client.ts';
import {
  baseDatabaseUrl,
  createScratchDatabase,
  type InProcessServer,
  type ScratchDatabase,
  type SuiteTenant,
  startInProcessServer,
} from '../faults/support/harness.ts';
import { runScenario } from '../faults/support/reliability.ts';
import {
  ecKeyPair,
  hs256Token,
  rsaKeyPair,
  signedToken,
  type TestKeyPair,
  unsignedToken,
} from './support/jwt.ts';
import { type PlantedKey, plantServerKey } from './support/planted-key.ts';

const interviewTyp = 'exitbot-interview+jwt';
const adminTyp = 'exitbot-admin+jwt';

describe.skipIf(!baseDatabaseUrl)('hostile tokens against the real server', () => {
  let database: ScratchDatabase;
  let server: InProcessServer;
  let tenantA: SuiteTenant;
  let tenantB: SuiteTenant;
  let interview: { id: string; token: string };
  let serverKey: { kid: string; publicJwk: Record<string, string> };
  /** A key we hold, stored as a server-origin key of tenant A (a genuine key for crafting claims). */
  let genuine: PlantedKey;
  let tenantEc: TestKeyPair & { kid: string };
  let tenantRsa: TestKeyPair & { kid: string };
  let listener: Server;
  let listenerUrl: string;
  const outbound: string[] = [];

  const now = () => Math.floor(Date.now() / 1000);
  const interviewClaims = (overrides: Record<string, unknown> = {}) => ({
    iss: 'exitbot',
    aud: 'exitbot:interview',
    sub: interview.id,
    tid: tenantA.id,
    iat: now(),
    exp: now() + 600,
    jti: crypto.randomUUID(),
    ...overrides,
  });
  const adminClaims = (overrides: Record<string, unknown> = {}) => ({
    iss: 'exitbot',
    aud: 'exitbot:admin',
    sub: 'attacker@example',
    role: 'admin',
    tid: tenantA.id,
    iat: now(),
    exp: now() + 600,
    ...overrides,
  });

  async function asInterview(token: string): Promise<{ status: number; body: unknown; headers: Headers }> {
    const response = await fetch(`${server.url}/v1/interview`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    return { status: response.status, body: await response.json(), headers: response.headers };
  }

  async function asAdmin(token: string): Promise<{ status: number; body: unknown; headers: Headers }> {
    const response = await fetch(`${server.url}/v1/admin/settings`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    return { status: response.status, body: await response.json(), headers: response.headers };
  }

  beforeAll(async () => {
    listener = createServer((request, response) => {
      outbound.push(`${request.method} ${request.url}`);
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ keys: [] }));
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    listenerUrl = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;

    database = await createScratchDatabase('tokens');
    server = await startInProcessServer({ database });
    tenantA = await server.createTenant('Alpha');
    tenantB = await server.createTenant('Beta');
    interview = await createInterview(server.url, tenantA.apiKey);

    const keys = await getJson(`${server.url}/v1/admin/keys`, tenantA.adminToken);
    const list = (keys.body as { keys: { kid: string; origin: string; publicJwk: Record<string, string> }[] })
      .keys;
    const active = list.find((key) => key.origin === 'server');
    if (!active) throw new Error('tenant A has no server key');
    serverKey = { kid: active.kid, publicJwk: active.publicJwk };

    // A server-origin verification key whose private half we hold: with it the test can sign any claims the
    // server would verify as its own, so each claim check below is tested on its own.
    genuine = await plantServerKey(database.handle, tenantA.id, 'suite-genuine-key');

    // Tenant-registered keys (interview tokens signed by the tenant's own backend).
    const ec = ecKeyPair();
    const rsa = rsaKeyPair();
    for (const [pair, alg, kid] of [
      [ec, 'ES256', 'tenant-ec'],
      [rsa, 'RS256', 'tenant-rsa'],
    ] as const) {
      const response = await fetch(`${server.url}/v1/admin/keys`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${tenantA.adminToken}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ jwk: pair.publicJwk, alg, kid }),
      });
      expect(response.status).toBe(201);
    }
    tenantEc = { ...ec, kid: 'tenant-ec' };
    tenantRsa = { ...rsa, kid: 'tenant-rsa' };
  });

  afterAll(async () => {
    await server?.close();
    await database?.drop();
    await new Promise<void>((resolve) => listener?.close(() => resolve()));
  });

  it('should accept the controls: a genuine interview token, a genuine admin token, and the crafted claims done right', async () => {
    expect((await asInterview(interview.token)).status).toBe(200);
    expect((await asAdmin(tenantA.adminToken)).status).toBe(200);
    const header = { typ: interviewTyp, kid: genuine.kid };
    expect(
      (await asInterview(signedToken(genuine.privateKey, 'ES256', header, interviewClaims()))).status,
    ).toBe(200);
    expect(
      (
        await asAdmin(
          signedToken(genuine.privateKey, 'ES256', { typ: adminTyp, kid: genuine.kid }, adminClaims()),
        )
      ).status,
    ).toBe(200);
    // Within the 5 s clock tolerance: still accepted (so the "beyond tolerance" case below is meaningful).
    expect(
      (
        await asInterview(
          signedToken(genuine.privateKey, 'ES256', header, interviewClaims({ exp: now() - 2 })),
        )
      ).status,
    ).toBe(200);
    expect(
      (
        await asInterview(
          signedToken(
            tenantEc.privateKey,
            'ES256',
            { typ: interviewTyp, kid: tenantEc.kid },
            interviewClaims(),
          ),
        )
      ).status,
    ).toBe(200);
    expect(
      (
        await asInterview(
          signedToken(
            tenantRsa.privateKey,
            'RS256',
            { typ: interviewTyp, kid: tenantRsa.kid },
            interviewClaims(),
          ),
        )
      ).status,
    ).toBe(200);
  });

  it('should refuse every forged, mangled or misused token with the same 401 and no outbound request', async () => {
    await runScenario(
      {
        id: 'tokens-forged',
        group: 'tokens',
        scenario: 'Forged and mangled JWTs',
        tried:
          'alg none/None/NONE; HS256 keyed with the server public key (JWK, PEM, DER, raw point); RS256 key used as PS256; admin token signed by a tenant key; typ/aud swapped between kinds; kid path traversal, SQL fragments, empty, 300 chars; jku/x5u/jwk headers pointing at a local listener; missing exp; expired 60 s; nbf +60 s; wrong iss; wrong or missing aud; crit header; tid of another tenant; payload edited after signing',
      },
      async (recorder) => {
        const genuineHeader = { typ: interviewTyp, kid: genuine.kid };
        const cases: [string, () => Promise<{ status: number; body: unknown; headers: Headers }>][] = [];
        const interviewCase = (name: string, token: () => string) =>
          cases.push([name, () => asInterview(token())]);
        const adminCase = (name: string, token: () => string) => cases.push([name, () => asAdmin(token())]);

        for (const alg of ['none', 'None', 'NONE', 'nOnE']) {
          interviewCase(`alg ${alg}`, () =>
            unsignedToken({ alg, typ: interviewTyp, kid: serverKey.kid }, interviewClaims()),
          );
          interviewCase(`alg ${alg} with a signature`, () =>
            unsignedToken({ alg, typ: interviewTyp, kid: serverKey.kid }, interviewClaims(), 'c2lnbmF0dXJl'),
          );
          adminCase(`admin alg ${alg}`, () =>
            unsignedToken({ alg, typ: adminTyp, kid: serverKey.kid }, adminClaims()),
          );
        }

        const { createPublicKey } = await import('node:crypto');
        const publicKey = createPublicKey({ key: serverKey.publicJwk, format: 'jwk' });
        const pem = publicKey.export({ type: 'spki', format: 'pem' }) as string;
        const der = publicKey.export({ type: 'spki', format: 'der' });
        const raw = Buffer.concat([
          Buffer.from([4]),
          Buffer.from(serverKey.publicJwk.x as string, 'base64url'),
          Buffer.from(serverKey.publicJwk.y as string, 'base64url'),
        ]);
        for (const [name, secret] of [
          ['JWK JSON', JSON.stringify(serverKey.publicJwk)],
          ['PEM', pem],
          ['PEM without newline', pem.trim()],
          ['DER', der],
          ['raw point', raw],
          ['x coordinate', Buffer.from(serverKey.publicJwk.x as string, 'base64url')],
        ] as const) {
          interviewCase(`HS256 keyed with the public key (${name})`, () =>
            hs256Token({ typ: interviewTyp, kid: serverKey.kid }, interviewClaims(), secret),
          );
          adminCase(`admin HS256 keyed with the public key (${name})`, () =>
            hs256Token({ typ: adminTyp, kid: serverKey.kid }, adminClaims(), secret),
          );
        }

        interviewCase('RS256 tenant key used with PS256', () =>
          signedToken(
            tenantRsa.privateKey,
            'PS256',
            { typ: interviewTyp, kid: tenantRsa.kid },
            interviewClaims(),
          ),
        );
        interviewCase('ES256 key announced as ES384', () =>
          signedToken(genuine.privateKey, 'ES256', { ...genuineHeader, alg: 'ES384' }, interviewClaims()),
        );
        adminCase('admin token signed by a tenant-registered key', () =>
          signedToken(tenantEc.privateKey, 'ES256', { typ: adminTyp, kid: tenantEc.kid }, adminClaims()),
        );
        interviewCase('admin typ and aud on the interview route', () =>
          signedToken(
            genuine.privateKey,
            'ES256',
            { typ: adminTyp, kid: genuine.kid },
            interviewClaims({ aud: 'exitbot:admin' }),
          ),
        );
        adminCase('interview token on the admin route', () => interview.token);
        adminCase('interview typ with admin claims', () =>
          signedToken(genuine.privateKey, 'ES256', genuineHeader, adminClaims({ aud: 'exitbot:interview' })),
        );
        adminCase('API key on the admin route', () => tenantA.apiKey);
        interviewCase('API key on the employee route', () => tenantA.apiKey);
        interviewCase('admin token on the employee route', () => tenantA.adminToken);
        interviewCase('interview typ, admin audience', () =>
          signedToken(genuine.privateKey, 'ES256', genuineHeader, interviewClaims({ aud: 'exitbot:admin' })),
        );
        interviewCase('generic typ JWT', () =>
          signedToken(genuine.privateKey, 'ES256', { typ: 'JWT', kid: genuine.kid }, interviewClaims()),
        );

        for (const kid of [
          '../../../dev/null',
          '../../../../etc/passwd',
          "' OR '1'='1",
          "x'; drop table tenants; --",
          `${genuine.kid}' --`,
          '',
          'k'.repeat(300),
          '\u0000',
        ]) {
          interviewCase(`kid ${JSON.stringify(kid.slice(0, 30))}`, () =>
            hs256Token({ typ: interviewTyp, kid }, interviewClaims(), ''),
          );
          interviewCase(`kid ${JSON.stringify(kid.slice(0, 30))} with a real signature`, () =>
            signedToken(genuine.privateKey, 'ES256', { typ: interviewTyp, kid }, interviewClaims()),
          );
        }
        interviewCase('kid as a number', () =>
          signedToken(genuine.privateKey, 'ES256', { typ: interviewTyp, kid: 1 }, interviewClaims()),
        );
        interviewCase('kid as an object', () =>
          signedToken(
            genuine.privateKey,
            'ES256',
            { typ: interviewTyp, kid: { $ne: null } },
            interviewClaims(),
          ),
        );

        const attacker = ecKeyPair();
        const attackerJwk = { ...attacker.publicJwk, kid: 'attacker', alg: 'ES256' };
        for (const [name, extra] of [
          ['embedded jwk', { jwk: attackerJwk, kid: 'attacker' }],
          [
            'embedded jwk with the real kid',
            { jwk: { ...attackerJwk, kid: serverKey.kid }, kid: serverKey.kid },
          ],
          ['jku', { jku: `${listenerUrl}/jwks.json`, kid: 'attacker' }],
          ['jku with the real kid', { jku: `${listenerUrl}/jwks.json`, kid: serverKey.kid }],
          ['x5u', { x5u: `${listenerUrl}/cert.pem`, kid: 'attacker' }],
          ['x5u without kid', { x5u: `${listenerUrl}/cert.pem` }],
          ['jku without kid', { jku: `${listenerUrl}/jwks.json` }],
        ] as const) {
          interviewCase(`${name} header`, () =>
            signedToken(attacker.privateKey, 'ES256', { typ: interviewTyp, ...extra }, interviewClaims()),
          );
          adminCase(`admin ${name} header`, () =>
            signedToken(attacker.privateKey, 'ES256', { typ: adminTyp, ...extra }, adminClaims()),
          );
        }

        const withoutExp = interviewClaims();
        delete (withoutExp as Partial<typeof withoutExp>).exp;
        interviewCase('missing exp', () =>
          signedToken(genuine.privateKey, 'ES256', genuineHeader, withoutExp),
        );
        const adminWithoutExp = adminClaims();
        delete (adminWithoutExp as Partial<typeof adminWithoutExp>).exp;
        adminCase('admin missing exp', () =>
          signedToken(genuine.privateKey, 'ES256', { typ: adminTyp, kid: genuine.kid }, adminWithoutExp),
        );
        interviewCase('expired 60 s ago', () =>
          signedToken(genuine.privateKey, 'ES256', genuineHeader, interviewClaims({ exp: now() - 60 })),
        );
        interviewCase('expired a year ago', () =>
          signedToken(
            genuine.privateKey,
            'ES256',
            genuineHeader,
            interviewClaims({ exp: now() - 31_536_000 }),
          ),
        );
        interviewCase('exp as a string', () =>
          signedToken(
            genuine.privateKey,
            'ES256',
            genuineHeader,
            interviewClaims({ exp: String(now() + 600) }),
          ),
        );
        interviewCase('nbf 60 s ahead', () =>
          signedToken(genuine.privateKey, 'ES256', genuineHeader, interviewClaims({ nbf: now() + 60 })),
        );
        adminCase('admin nbf 60 s ahead', () =>
          signedToken(
            genuine.privateKey,
            'ES256',
            { typ: adminTyp, kid: genuine.kid },
            adminClaims({ nbf: now() + 60 }),
          ),
        );
        interviewCase('wrong iss', () =>
          signedToken(genuine.privateKey, 'ES256', genuineHeader, interviewClaims({ iss: 'evil' })),
        );
        interviewCase('missing iss', () =>
          signedToken(genuine.privateKey, 'ES256', genuineHeader, interviewClaims({ iss: undefined })),
        );
        adminCase('admin wrong iss', () =>
          signedToken(
            genuine.privateKey,
            'ES256',
            { typ: adminTyp, kid: genuine.kid },
            adminClaims({ iss: 'evil' }),
          ),
        );
        interviewCase('wrong aud', () =>
          signedToken(genuine.privateKey, 'ES256', genuineHeader, interviewClaims({ aud: 'someone-else' })),
        );
        interviewCase('missing aud', () =>
          signedToken(genuine.privateKey, 'ES256', genuineHeader, interviewClaims({ aud: undefined })),
        );
        interviewCase('crit header', () =>
          signedToken(
            genuine.privateKey,
            'ES256',
            { ...genuineHeader, crit: ['exp'], exp: now() + 600 },
            interviewClaims(),
          ),
        );
        interviewCase("tid of tenant B with tenant A's key", () =>
          signedToken(genuine.privateKey, 'ES256', genuineHeader, interviewClaims({ tid: tenantB.id })),
        );
        interviewCase('sub that is not an interview id', () =>
          signedToken(genuine.privateKey, 'ES256', genuineHeader, interviewClaims({ sub: "1' or '1'='1" })),
        );
        adminCase('admin role superuser', () =>
          signedToken(
            genuine.privateKey,
            'ES256',
            { typ: adminTyp, kid: genuine.kid },
            adminClaims({ role: 'superuser' }),
          ),
        );
        interviewCase('payload edited after signing', () => {
          const [header, , signature] = interview.token.split('.');
          const payload = JSON.parse(
            Buffer.from(interview.token.split('.')[1] as string, 'base64url').toString(),
          ) as Record<string, unknown>;
          payload.exp = now() + 10 * 365 * 86_400;
          return `${header}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${signature}`;
        });
        interviewCase('signature stripped', () => `${interview.token.split('.').slice(0, 2).join('.')}.`);
        interviewCase('two tokens joined', () => `${interview.token}.${interview.token}`);

        const statuses: Record<string, number> = {};
        for (const [name, run] of cases) {
          const result = await run();
          statuses[name] = result.status;
          expect.soft(result.status, name).toBe(401);
          expect.soft(result.body, name).toEqual({
            error: { code: 'unauthorized', message: 'Missing or invalid credentials', details: null },
          });
          expect.soft(result.headers.get('www-authenticate'), name).toBe('Bearer');
        }
        expect(Object.entries(statuses).filter(([, status]) => status !== 401)).toEqual([]);
        expect(outbound).toEqual([]);

        // The SQL-looking kids changed nothing.
        const tables = await sql<{ count: string }>`select count(*)::text as count from tenants`.execute(
          database.handle.db,
        );
        expect(tables.rows[0]?.count).toBe('2');
        recorder.figures.requests = cases.length;
        recorder.figures.faults = cases.length;
        recorder.figures.outboundRequests = outbound.length;
        recorder.outcome = `${cases.length} of ${cases.length} refused with the same 401 body; 0 requests reached the key-URL listener`;
      },
    );
  });

  it('should refuse a valid token in the query string and never log any credential', async () => {
    await runScenario(
      {
        id: 'tokens-query-and-logs',
        group: 'tokens',
        scenario: 'Token in the URL; credentials in logs',
        tried:
          'a valid interview token and API key as ?token=, ?access_token=, ?authorization=, ?apiKey=; then every credential of the file searched for in the server log (debug level, every request of this file)',
      },
      async (recorder) => {
        const attempts = [
          `${server.url}/v1/interview?token=${interview.token}`,
          `${server.url}/v1/interview?access_token=${interview.token}`,
          `${server.url}/v1/interview?authorization=Bearer%20${interview.token}`,
          `${server.url}/v1/interview/messages?after=0&token=${interview.token}`,
          `${server.url}/v1/interviews?apiKey=${tenantA.apiKey}`,
          `${server.url}/v1/interviews?api_key=${tenantA.apiKey}`,
          `${server.url}/v1/admin/settings?token=${tenantA.adminToken}`,
        ];
        for (const url of attempts) {
          const result = await getJson(url, undefined);
          expect.soft(result.status, url).toBe(401);
        }
        // A POST with the token in the query and in the body, never in the header.
        const posted = await fetch(`${server.url}/v1/interview/messages?token=${interview.token}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ clientMessageId: newMessageId(), type: 'start', token: interview.token }),
        });
        expect(posted.status).toBe(401);
        // Some ordinary traffic with valid credentials, so that the logs have success lines too.
        expect(
          (await postMessage(server.url, interview.token, { clientMessageId: newMessageId(), type: 'start' }))
            .status,
        ).toBe(200);
        expect((await getJson(`${server.url}/v1/interviews/${interview.id}`, tenantA.apiKey)).status).toBe(
          200,
        );

        const log = server.logs.text();
        expect(server.logs.lines.length).toBeGreaterThan(50);
        const secrets = [
          interview.token,
          tenantA.apiKey,
          tenantA.adminToken,
          tenantA.analystToken,
          tenantB.apiKey,
          tenantB.adminToken,
        ];
        for (const secret of secrets) {
          expect(log).not.toContain(secret);
          // No part that carries the credential: the signature segment of JWTs, the secret half of API keys.
          const secretPart = secret.startsWith('exb_')
            ? secret.slice(37)
            : (secret.split('.').at(-1) as string);
          expect(secretPart.length).toBeGreaterThanOrEqual(43);
          expect(log).not.toContain(secretPart);
        }
        expect(log).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.eyJ/);
        expect(log).not.toMatch(/exb_[0-9a-f]{32}_/);
        // The refusals were logged (with a reason, without the token), so the check above looked at real lines.
        expect(
          server.logs.entries().filter((entry) => entry.msg === 'credential refused').length,
        ).toBeGreaterThan(20);
        recorder.figures.requests = attempts.length + 3;
        recorder.figures.faults = attempts.length + 1;
        recorder.figures.logLines = server.logs.lines.length;
        recorder.figures.credentialsInLogs = 0;
        recorder.outcome = `${attempts.length + 1} URL/body placements refused (401); ${server.logs.lines.length} log lines, 0 contain a token, signature or API key`;
      },
    );
  });
});
