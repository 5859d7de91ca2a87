import type { DemoSeed } from './demo.ts';
import type { Config } from './env.ts';

/** The base URL the server answers on: the configured public URL, with the port it really got (PORT=0). */
export function publicBase(config: Config, port: number): string {
  return config.publicUrl.replace(`:${config.port}`, `:${port}`);
}

/** Prints the demo URLs and the admin token once the server is up (stdout, for the person who started it). */
export function printBanner(options: {
  base: string;
  config: Config;
  demo: DemoSeed;
  database: 'pglite' | 'postgres';
  usesLlm: boolean;
  workers?: number;
}): void {
  const { base, config, demo } = options;
  const where =
    options.database === 'pglite'
      ? `embedded PGlite in ${config.dataDir}`
      : `Postgres${options.workers && options.workers > 1 ? `, ${options.workers} worker processes` : ''}`;
  const lines = [
    '',
    `ExitBot is running on ${base} (${where}, ${options.usesLlm ? 'LLM interviewer' : 'scripted interviewer: set OPENAI_API_KEY for the LLM'})`,
    '',
    `  Demo HR portal (employee interview):  ${base}/demo`,
    `  HR admin page:                        ${base}/admin#token=${demo.adminToken}`,
    `  Admin token (${config.adminTokenTtlHours} h):                 ${demo.adminToken}`,
    ...(demo.apiKey ? [`  Demo tenant API key (shown once):     ${demo.apiKey}`] : []),
    `  API description:                      ${base}/openapi.json`,
    '',
    ...(demo.sample
      ? [
          `The demo tenant starts with ${demo.sample.interviews} made-up completed interviews (${demo.sample.from} to ${demo.sample.to}) for the dashboard.`,
          '',
        ]
      : []),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
