import { Hono } from 'hono';
import type { AppEnv } from '../http/context.ts';
import type { Services } from '../services.ts';

/** `/healthz` (the process answers) and `/readyz` (the database answers within 2 s). */
export function healthRoutes(services: Services) {
  const app = new Hono<AppEnv>();
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        services.database.ping(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('database ping timed out')), 2000);
        }),
      ]);
      return c.json({ status: 'ready', database: services.database.kind });
    } catch (error) {
      c.get('logger').warn('not ready', { error });
      return c.json({ status: 'unavailable', database: services.database.kind }, 503);
    } finally {
      clearTimeout(timer);
    }
  });
  return app;
}
