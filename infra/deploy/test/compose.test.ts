/**
 * infra/deploy/docker-compose.yml, without a container engine: loaded by compose-go (the loader `docker
 * compose` uses, validating against the compose-spec schema it embeds) with a fixed environment, its host
 * paths checked, then what the hub needs of it. The collector's and Prometheus' configs are checked for
 * what they wire together.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { deployDir, deployTools, validate, writeScratch } from './tools';

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  environment?: Record<string, string | null>;
  depends_on?: Record<string, { condition: string }>;
  ports?: { host_ip?: string; published?: string; target: number }[];
  volumes?: { type: string; source: string; target: string }[];
  deploy?: { replicas?: number };
  stop_grace_period?: string;
  healthcheck?: { test: string[] };
  entrypoint?: string[];
}
interface ComposeResult {
  ok: boolean;
  errors: string[];
  project?: { services: Record<string, Service>; secrets?: Record<string, { environment?: string }> };
}

const COMPOSE = join(deployDir, 'docker-compose.yml');
const ENV = ['--env', 'HUB_API_KEYS=key-a:default', '--env', 'HUB_ADMIN_KEY=admin-key'];

async function load(file = COMPOSE, args = ENV): Promise<{ code: number; result: ComposeResult }> {
  return validate<ComposeResult>(['compose', file, ...args]);
}

function seconds(duration: string | undefined): number {
  const m = /^(\d+)s$/.exec(duration ?? '');
  if (!m) throw new Error(`not a duration in seconds: ${String(duration)}`);
  return Number(m[1]);
}

beforeAll(async () => {
  await deployTools();
});

describe('docker-compose.yml', () => {
  it('loads against the compose-spec schema, with every build context, Dockerfile and mounted file present', async () => {
    const { code, result } = await load(COMPOSE, [...ENV, '--profile', 'ui']);
    expect(result.errors).toEqual([]);
    expect(code).toBe(0);
    expect(Object.keys(result.project?.services ?? {}).sort()).toEqual([
      'gateway', 'grafana', 'jaeger', 'otel-collector', 'postgresql', 'prometheus', 'temporal', 'temporal-namespace', 'temporal-schema', 'temporal-ui', 'worker',
    ]);
  });

  it('runs Temporal on PostgreSQL (postgres12 persistence and SQL visibility), schema first, then the hub', async () => {
    const s = (await load()).result.project!.services;
    const temporal = s['temporal']!;
    expect(temporal.image).toMatch(/^temporalio\/server:/);
    expect(temporal.environment).toMatchObject({ DB: 'postgres12', POSTGRES_SEEDS: 'postgresql' });
    expect(temporal.depends_on?.['temporal-schema']?.condition).toBe('service_completed_successfully');
    expect(s['temporal-schema']!.image?.replace(/:.*/, '')).toBe('temporalio/admin-tools');
    expect(s['temporal-schema']!.image?.split(':')[1]).toBe(temporal.image?.split(':')[1]); // the schema tool of the server's version
    const script = readFileSync(join(deployDir, 'temporal', 'setup-postgres.sh'), 'utf8');
    expect(script).toContain('--plugin postgres12');
    expect(script).toMatch(/visibility/);
    for (const hub of ['gateway', 'worker']) {
      expect(s[hub]!.depends_on?.['temporal-namespace']?.condition).toBe('service_completed_successfully');
      expect(s[hub]!.environment).toMatchObject({ TEMPORAL_ADDRESS: 'temporal:7233', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector:4318' });
    }
  });

  it('builds the hub from the repository with its Dockerfiles, two workers, and gives each the stop grace its drain needs', async () => {
    const s = (await load()).result.project!.services;
    const repo = join(deployDir, '..', '..');
    expect(s['gateway']!.build).toMatchObject({ context: repo, dockerfile: 'infra/deploy/gateway.Dockerfile' });
    expect(s['worker']!.build).toMatchObject({ context: repo, dockerfile: 'infra/deploy/worker.Dockerfile' });
    expect(s['worker']!.deploy?.replicas).toBe(2);
    const graceMs = Number(s['worker']!.environment?.['HUB_WORKER_SHUTDOWN_GRACE_MS']);
    expect(seconds(s['worker']!.stop_grace_period)).toBeGreaterThanOrEqual(graceMs / 1000 + 10);
    expect(seconds(s['gateway']!.stop_grace_period)).toBeGreaterThanOrEqual(10 + 5); // the gateway's 10 s for running requests
    expect(s['worker']!.environment).toMatchObject({ HUB_METRICS_PORT: '19464', HUB_METRICS_HOST: '0.0.0.0' });
    expect(s['gateway']!.environment).toMatchObject({ HOST: '0.0.0.0', HUB_API_KEYS: 'key-a:default', HUB_ADMIN_KEYS: 'admin-key', HUB_ALLOWED_HOSTS: 'gateway' });
  });

  it('publishes ports on 127.0.0.1 only', async () => {
    const s = (await load(COMPOSE, [...ENV, '--profile', 'ui'])).result.project!.services;
    const published = Object.entries(s).flatMap(([name, svc]) => (svc.ports ?? []).map((p) => ({ name, host: p.host_ip, port: p.target })));
    expect(published.length).toBeGreaterThanOrEqual(6);
    expect(published.filter((p) => p.host !== '127.0.0.1')).toEqual([]);
  });

  it('refuses to start without HUB_API_KEYS and HUB_ADMIN_KEY, naming them', async () => {
    for (const [args, missing] of [[['--env', 'HUB_ADMIN_KEY=a'], 'HUB_API_KEYS'], [['--env', 'HUB_API_KEYS=k:t'], 'HUB_ADMIN_KEY']] as const) {
      const { code, result } = await load(COMPOSE, [...args]);
      expect(code).toBe(1);
      expect(result.errors.join('\n')).toContain(`required variable ${missing} is missing a value`);
    }
  });

  it('rejects a compose file with a key the schema does not have, or a path that is not there', async () => {
    const text = readFileSync(COMPOSE, 'utf8');
    const cases: [string, string, RegExp][] = [
      ['bad-key.yml', text.replace('    stop_grace_period: 45s', '    stop_grace_periods: 45s'), /services\.worker\.stop_grace_periods/],
      ['bad-type.yml', text.replace('      replicas: 2', '      replicas: two'), /services\.worker\.deploy\.replicas/],
      ['bad-top.yml', `${text}\nservces: {}\n`, /servces/],
      ['bad-path.yml', text.replace('./otel-collector.yaml:', './otel-colector.yaml:'), /bind source .*otel-colector.yaml does not exist/],
      ['bad-dockerfile.yml', text.replace('dockerfile: infra/deploy/worker.Dockerfile', 'dockerfile: infra/deploy/wrker.Dockerfile'), /wrker.Dockerfile does not exist/],
    ];
    for (const [name, broken, message] of cases) {
      expect(broken, name).not.toBe(text);
      // Next to the real file, so its relative paths resolve the same way.
      const { code, result } = await load(writeScratchBeside(name, broken));
      expect(code, name).toBe(1);
      expect(result.errors.join('\n'), name).toMatch(message);
    }
  });
});

describe('the collector and Prometheus configs', () => {
  interface Pipeline { receivers: string[]; processors?: string[]; exporters: string[] }
  interface Collector {
    receivers: Record<string, { protocols?: Record<string, { endpoint: string }> }>;
    processors: Record<string, unknown>;
    exporters: Record<string, { endpoint?: string }>;
    connectors?: Record<string, unknown>;
    service: { pipelines: Record<string, Pipeline> };
  }

  it('the collector receives OTLP (gRPC and HTTP), exports traces and exposes Prometheus metrics, every component it names defined', async () => {
    const { result } = await validate<{ ok: boolean; document: Collector }>(['yaml', join(deployDir, 'otel-collector.yaml')]);
    const c = result.document;
    expect(c.receivers['otlp']?.protocols?.['http']?.endpoint).toBe('0.0.0.0:4318');
    expect(c.receivers['otlp']?.protocols?.['grpc']?.endpoint).toBe('0.0.0.0:4317');
    expect(c.exporters['prometheus']?.endpoint).toBe('0.0.0.0:8889');
    const defined = (kind: 'receivers' | 'processors' | 'exporters', name: string) =>
      name in (c[kind] as object) || name in (c.connectors ?? {});
    for (const [pipeline, p] of Object.entries(c.service.pipelines)) {
      for (const r of p.receivers) expect(defined('receivers', r), `${pipeline}: receiver ${r}`).toBe(true);
      for (const x of p.processors ?? []) expect(defined('processors', x), `${pipeline}: processor ${x}`).toBe(true);
      for (const e of p.exporters) expect(defined('exporters', e), `${pipeline}: exporter ${e}`).toBe(true);
    }
    expect(c.service.pipelines['metrics']?.exporters).toContain('prometheus');
    expect(c.service.pipelines['traces']?.receivers).toContain('otlp');
  });

  it("Prometheus scrapes the gateway with the admin key, every worker, and the collector, on the compose services' ports", async () => {
    interface Prom { scrape_configs: { job_name: string; authorization?: { credentials_file: string }; static_configs?: { targets: string[] }[]; dns_sd_configs?: { names: string[]; port: number }[] }[] }
    const { result } = await validate<{ document: Prom }>(['yaml', join(deployDir, 'prometheus.yml')]);
    const jobs = new Map(result.document.scrape_configs.map((j) => [j.job_name, j]));
    expect(jobs.get('agent-hub-gateway')?.static_configs?.[0]?.targets).toEqual(['gateway:8787']);
    expect(jobs.get('agent-hub-gateway')?.authorization?.credentials_file).toBe('/run/secrets/hub-admin-key');
    expect(jobs.get('agent-hub-worker')?.dns_sd_configs?.[0]).toMatchObject({ names: ['worker'], port: 19464 });
    expect(jobs.get('otel-collector-spanmetrics')?.static_configs?.[0]?.targets).toEqual(['otel-collector:8889']);
    const project = (await load()).result.project!;
    expect(project.secrets?.['hub-admin-key']?.environment).toBe('HUB_ADMIN_KEY');
  });

  it("Grafana gets Prometheus as its datasource and the hub's dashboards from infra/deploy/grafana", async () => {
    const grafana = (await load()).result.project!.services['grafana']!;
    const mounts = new Map((grafana.volumes ?? []).map((v) => [v.target, v.source]));
    const dashboards = join(deployDir, 'grafana');
    expect(mounts.get('/var/lib/grafana/dashboards/agent-hub')).toBe(dashboards);
    expect(readdirSync(dashboards).filter((f) => f.endsWith('.json')).length).toBeGreaterThan(0);
    interface Provider { providers: { options: { path: string } }[] }
    interface Datasources { datasources: { type: string; url: string; isDefault: boolean }[] }
    const provider = (await validate<{ document: Provider }>(['yaml', join(deployDir, 'grafana-provisioning', 'dashboards.yaml')])).result.document;
    expect(provider.providers.map((p) => p.options.path)).toEqual(['/var/lib/grafana/dashboards/agent-hub']);
    const ds = (await validate<{ document: Datasources }>(['yaml', join(deployDir, 'grafana-provisioning', 'datasources.yaml')])).result.document;
    expect(ds.datasources).toEqual([expect.objectContaining({ type: 'prometheus', url: 'http://prometheus:9090', isDefault: true })]);
    for (const file of readdirSync(dashboards).filter((f) => f.endsWith('.json'))) {
      // The dashboards pick their datasource by type: the default Prometheus one serves them.
      const text = readFileSync(join(dashboards, file), 'utf8');
      for (const uid of text.matchAll(/"uid":\s*"([^"]+)"/g)) if (uid[1]!.startsWith('$')) expect(uid[1]).toMatch(/^\$\{?(datasource|DS_PROMETHEUS)\}?$/);
    }
  });
});

/** A broken copy goes to a scratch directory, its relative paths made absolute so they resolve as in infra/deploy. */
function writeScratchBeside(name: string, text: string): string {
  const rel = (p: string) => join(deployDir, p);
  return writeScratch(name, text.replaceAll('./temporal/', `${rel('temporal')}/`).replaceAll('./otel-', `${rel('otel-')}`).replaceAll('./prometheus.yml', rel('prometheus.yml')).replaceAll('context: ../..', `context: ${join(deployDir, '..', '..')}`));
}
