// The calls a portal backend makes to ExitBot, server to server. The API key and the admin token never
// reach a browser: pages get only the one employee's interview token (and, on the HR page, a dashboard
// token).

/** An ExitBot API error: `{ "error": { "code", "message", "details" } }` with the HTTP status. */
export class ExitBotApiError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(options: { status: number; code: string; message: string }) {
    super(`ExitBot answered ${options.status} ${options.code}: ${options.message}`);
    this.name = 'ExitBotApiError';
    this.status = options.status;
    this.code = options.code;
  }
}

/** What the portal knows about a departing employee (from its own HR records). */
export interface DepartingEmployee {
  externalId: string;
  name: string;
  department: string;
  location: string;
  level: string;
  tenureMonths: number;
  lastDay: string;
}

/** A created interview: its id and the token the employee's page embeds. */
export interface CreatedInterview {
  id: string;
  token: string;
}

/** A small client for the integrator and admin routes the portal uses. */
export interface ExitBotApi {
  /** Resolves when the server answers `/healthz`. */
  health(): Promise<void>;
  /** Adds `origin` to the tenant's allowed origins (admin token); true when it was missing. */
  allowOrigin(origin: string): Promise<boolean>;
  /** Creates an API key for this portal (admin token) and returns it (shown once by ExitBot). */
  createApiKey(name: string): Promise<string>;
  /** Creates a confidential interview for one employee (API key). */
  createInterview(options: {
    apiKey: string;
    employee: DepartingEmployee;
    locale: string;
  }): Promise<CreatedInterview>;
}

/** Creates the client for an ExitBot server at `baseUrl`, with the tenant's admin token for setup calls. */
export function createExitBotApi(options: { baseUrl: string; adminToken: string }): ExitBotApi {
  const { baseUrl, adminToken } = options;

  async function call<T>(path: string, init: { method?: string; token: string; body?: unknown }): Promise<T> {
    const response = await fetch(new URL(path, baseUrl), {
      method: init.method ?? 'GET',
      headers: {
        authorization: `Bearer ${init.token}`,
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    const json = text ? (JSON.parse(text) as unknown) : undefined;
    if (!response.ok) {
      const error = (json as { error?: { code?: string; message?: string } } | undefined)?.error;
      throw new ExitBotApiError({
        status: response.status,
        code: error?.code ?? 'unknown',
        message: error?.message ?? text.slice(0, 200),
      });
    }
    return json as T;
  }

  return {
    async health() {
      const response = await fetch(new URL('/healthz', baseUrl), { signal: AbortSignal.timeout(5_000) });
      if (!response.ok) throw new Error(`${baseUrl}/healthz answered ${response.status}`);
    },
    async allowOrigin(origin) {
      const { settings } = await call<{ settings: { allowedOrigins: string[] } }>('/v1/admin/settings', {
        token: adminToken,
      });
      if (settings.allowedOrigins.includes(origin)) return false;
      await call('/v1/admin/settings', {
        method: 'PATCH',
        token: adminToken,
        body: { allowedOrigins: [...settings.allowedOrigins, origin] },
      });
      return true;
    },
    async createApiKey(name) {
      const created = await call<{ key: string }>('/v1/admin/api-keys', {
        method: 'POST',
        token: adminToken,
        body: { name },
      });
      return created.key;
    },
    async createInterview({ apiKey, employee, locale }) {
      const created = await call<{ interview: { id: string }; token: string }>('/v1/interviews', {
        method: 'POST',
        token: apiKey,
        body: {
          mode: 'confidential',
          locale,
          expiresInDays: 14,
          employee: { externalId: employee.externalId, name: employee.name },
          attributes: {
            department: employee.department,
            location: employee.location,
            level: employee.level,
            tenureMonths: employee.tenureMonths,
            terminationType: 'voluntary',
            lastDay: employee.lastDay,
          },
        },
      });
      return { id: created.interview.id, token: created.token };
    },
  };
}
