// docker-compose.yml cannot be run here (no Docker daemon): it is parsed, its references are checked
// against the repository, and the configuration it gives the servers is validated by the server's own
// config loader. deploy/postgres/init-roles.sh, which it mounts into Postgres, runs in roles.test.ts.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { environmentSchema, loadConfig } from '../../packages/server/src/env.ts';
import { parseDockerfile, parseEnvInstruction, readRepoFile, repoRoot } from './support.ts';

interface ComposeService {
  image?: string;
  build?: string | { context: string; target?: string; dockerfile?: string };
  command?: string[] | string;
  environment?: Record<string, string | number | null>;
  volumes?: string[];
  ports?: string[];
  profiles?: string[];
  depends_on?: string[] | Record<string, { condition: string }>;
  user?: string;
}

interface ComposeFile {
  name?: string;
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

const composeText = readRepoFile('docker-compose.yml');
const compose = parse(composeText, { merge: true }) as ComposeFile;
const services = compose.services;
const dockerfile = parseDockerfile(readRepoFile('Dockerfile'));
const imagePort = parseEnvInstruction(
  dockerfile.stages.at(-1)?.instructions.find((instruction) => instruction.keyword === 'ENV')?.args ?? '',
).PORT;

/** Compose's interpolation with an empty environment and no .env file: `${X:-default}` gives the default. */
function interpolate(value: string, variables: Record<string, string> = {}): string {
  return value.replace(
    /\$\$|\$\{([A-Z0-9_]+)(?::?([-?])([^}]*))?\}/g,
    (whole, name?: string, operator?: string, rest?: string) => {
      if (whole === '$$') return '$';
      const given = name ? variables[name] : undefined;
      if (given) return given;
      if (operator === '?') throw new Error(`compose would refuse to start: ${name} is required (${rest})`);
      return operator === '-' ? (rest ?? '') : '';
    },
  );
}

function environmentOf(service: ComposeService): Record<string, string> {
  return Object.fromEntries(
    Object.entries(service.environment ?? {}).map(([key, value]) => [key, interpolate(String(value ?? ''))]),
  );
}

/** The services that run the ExitBot image (or its build stage). */
const exitbotServices = Object.entries(services).filter(([, service]) => service.build !== undefined);
const dependencies = (service: ComposeService): Record<string, string> =>
  Array.isArray(service.depends_on)
    ? Object.fromEntries(service.depends_on.map((name) => [name, 'service_started']))
    : Object.fromEntries(
        Object.entries(service.depends_on ?? {}).map(([name, entry]) => [name, entry.condition]),
      );

describe('docker-compose.yml', () => {
  it('should parse, with the server, Postgres and the migration step in the default profile', () => {
    expect(compose.name).toBe('exitbot');
    const always = Object.entries(services)
      .filter(([, service]) => !service.profiles)
      .map(([name]) => name)
      .sort();
    expect(always).toEqual(['migrate', 'postgres', 'server']);
    expect(services.server?.ports).toEqual([`3000:${imagePort}`]);
  });

  it('should build every ExitBot service from this repository, a stage that exists in the Dockerfile', () => {
    expect(exitbotServices.length).toBeGreaterThanOrEqual(5);
    const stageNames = dockerfile.stages.map((stage) => stage.name);
    for (const [name, service] of exitbotServices) {
      const build = typeof service.build === 'string' ? { context: service.build } : service.build;
      expect(build, name).toBeDefined();
      expect(
        existsSync(
          join(
            repoRoot,
            build?.context ?? '',
            build && 'dockerfile' in build && build.dockerfile ? build.dockerfile : 'Dockerfile',
          ),
        ),
        name,
      ).toBe(true);
      if (build && 'target' in build && build.target) expect(stageNames, name).toContain(build.target);
    }
  });

  it('should mount only files that exist and volumes it declares', () => {
    const declared = Object.keys(compose.volumes ?? {});
    const used = new Set<string>();
    for (const [name, service] of Object.entries(services)) {
      for (const volume of service.volumes ?? []) {
        const [source = '', target = ''] = volume.split(':');
        expect(target.startsWith('/'), `${name}: ${volume}`).toBe(true);
        if (source.startsWith('.'))
          expect(existsSync(join(repoRoot, source)), `${name}: ${source}`).toBe(true);
        else {
          expect(declared, `${name}: ${source}`).toContain(source);
          used.add(source);
        }
      }
    }
    expect([...used].sort()).toEqual([...declared].sort());
    // The init script is executable (the Postgres entrypoint runs it, it does not source it).
    expect(statSync(join(repoRoot, 'deploy/postgres/init-roles.sh')).mode & 0o111).not.toBe(0);
    expect(services.postgres?.volumes).toContain(
      './deploy/postgres/init-roles.sh:/docker-entrypoint-initdb.d/10-exitbot-roles.sh:ro',
    );
  });

  it('should start services only after what they need: migrations before any server, Postgres before migrations', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const dependency of Object.keys(dependencies(service)))
        expect(services, `${name} -> ${dependency}`).toHaveProperty(dependency);
    }
    expect(dependencies(services.migrate ?? {})).toEqual({ postgres: 'service_healthy' });
    for (const [name, service] of exitbotServices.filter(([serviceName]) => serviceName !== 'migrate')) {
      expect(dependencies(service), name).toEqual({ migrate: 'service_completed_successfully' });
    }
    expect(services.migrate?.command).toEqual(['node', 'packages/server/src/cli.ts', 'migrate']);
  });

  it('should give every server only variables the server knows, and a configuration it accepts', () => {
    const known = Object.keys(environmentSchema.shape);
    for (const [name, service] of exitbotServices) {
      const environment = environmentOf(service);
      for (const key of Object.keys(environment)) expect(known, `${name}: ${key}`).toContain(key);
      // The image's ENV applies too, then compose's environment on top.
      const config = loadConfig({
        HOST: '0.0.0.0',
        PORT: imagePort,
        EXITBOT_DATA_DIR: '/data',
        ...environment,
      });
      expect(config.databaseUrl, name).toMatch(/^postgres:\/\/[^:]+:[^@]+@postgres:5432\/exitbot$/);
    }
  });

  it('should connect servers with the runtime login and migrations with the migrator, with the passwords Postgres sets', () => {
    const postgres = environmentOf(services.postgres ?? {});
    expect(postgres.POSTGRES_USER).toBe('postgres');
    const login = (url: string | undefined) => {
      const parsed = new URL(url ?? '');
      return { user: parsed.username, password: decodeURIComponent(parsed.password) };
    };
    expect(login(environmentOf(services.migrate ?? {}).DATABASE_URL)).toEqual({
      user: 'exitbot_migrator',
      password: postgres.EXITBOT_MIGRATOR_PASSWORD,
    });
    for (const name of ['server', 'replica-a', 'replica-b']) {
      expect(login(environmentOf(services[name] ?? {}).DATABASE_URL), name).toEqual({
        user: 'exitbot',
        password: postgres.EXITBOT_DB_PASSWORD,
      });
    }
    // The superuser's password is used by nobody but Postgres itself.
    for (const [name, service] of Object.entries(services).filter(
      ([serviceName]) => serviceName !== 'postgres',
    )) {
      expect(JSON.stringify(service), name).not.toContain('POSTGRES_PASSWORD');
    }
  });

  it('should share one key volume between all servers, so that every replica reads what another encrypted', () => {
    for (const [name, service] of exitbotServices.filter(([serviceName]) => serviceName !== 'migrate')) {
      expect(service.volumes, name).toContain('exitbot-keys:/data');
      const environment = environmentOf(service);
      expect(environment.EXITBOT_DATA_DIR ?? '/data', name).toBe('/data');
      // Every server gets the same key variables when they are set in .env.
      for (const key of ['EXITBOT_SECRET', 'EXITBOT_MASTER_KEY', 'EXITBOT_MASTER_KEY_PREVIOUS']) {
        expect(String(service.environment?.[key]), `${name}: ${key}`).toBe(`\${${key}:-}`);
      }
    }
  });

  it('should run a hot-reloading server from the mounted sources in the dev profile', () => {
    const dev = services['server-dev'];
    expect(dev?.profiles).toEqual(['dev']);
    expect(dev?.command).toEqual(['node', '--watch', 'packages/server/src/cli.ts', 'serve']);
    expect(dev?.build).toEqual({ context: '.', target: 'build' });
    const mounted = (dev?.volumes ?? [])
      .filter((volume) => volume.startsWith('./'))
      .map((volume) => volume.split(':')[0]);
    expect(mounted).toEqual(expect.arrayContaining(['./packages/sdk/src', './packages/server/src']));
    expect(environmentOf(dev ?? {})).toMatchObject({ HOST: '0.0.0.0', PORT: '3001' });
    expect(dev?.ports).toEqual(['3001:3001']);
  });

  it('should put every replica of the scale profile behind the proxy, and only those', () => {
    const replicas = Object.entries(services)
      .filter(([, service]) => service.profiles?.includes('scale') && service.build !== undefined)
      .map(([name]) => name)
      .sort();
    expect(replicas.length).toBeGreaterThanOrEqual(2);
    const proxy = services.proxy;
    expect(proxy?.profiles).toEqual(['scale']);
    expect(proxy?.volumes).toContain('./deploy/nginx.conf:/etc/nginx/conf.d/default.conf:ro');
    expect(Object.keys(dependencies(proxy ?? {})).sort()).toEqual(replicas);
    const nginx = readRepoFile('deploy/nginx.conf');
    const upstreams = [...nginx.matchAll(/^\s*server\s+([\w-]+):(\d+);/gm)].map(
      (match) => `${match[1]}:${match[2]}`,
    );
    expect(upstreams.sort()).toEqual(replicas.map((name) => `${name}:${imagePort}`));
    // Streamed replies must not be buffered by the proxy.
    expect(nginx).toMatch(/proxy_buffering off;/);
    for (const name of replicas) {
      expect(environmentOf(services[name] ?? {}).EXITBOT_PUBLIC_URL, name).toBe('http://localhost:8080');
    }
  });
});
