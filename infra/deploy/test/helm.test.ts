/**
 * The Helm chart (infra/deploy/helm/agent-hub), without a cluster: `helm lint --strict`, `helm template`, and
 * every rendered object decoded strictly into the k8s.io/api types with deploy-validate's semantic checks
 * (selectors, probe ports, HPA targets, secret keys). Then what the hub needs of it: probes on /healthz and
 * /readyz, the worker's grace period covering its drain, secrets by reference, autoscaling/v2 and policy/v1.
 */
import { join } from 'node:path';
import { parseHubConfig } from '@hub/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { container, env, find, type Deployment, type Hpa, type K8sResult } from './k8s-types';
import { chartDir, deployTools, helm, validate, writeScratch } from './tools';

const FULL = join(import.meta.dirname, 'fixtures', 'full-values.yaml');

async function render(...args: string[]): Promise<{ yaml: string; res: K8sResult }> {
  const out = await helm(['template', 'agent-hub', chartDir, '--namespace', 'hub', ...args]);
  expect(out.code, out.stderr).toBe(0);
  const { code, result } = await validate<K8sResult>(['k8s', '-'], out.stdout);
  expect(result.errors).toEqual([]);
  expect(code).toBe(0);
  return { yaml: out.stdout, res: result };
}

beforeAll(async () => {
  await deployTools();
});

describe('the Helm chart', () => {
  it('passes helm lint --strict with the default values and with every option on', async () => {
    for (const args of [[], ['-f', FULL]]) {
      const out = await helm(['lint', '--strict', chartDir, ...args]);
      expect(out.stdout + out.stderr).toContain('1 chart(s) linted, 0 chart(s) failed');
      expect(out.code).toBe(0);
    }
  });

  it('renders valid objects: gateway and worker Deployments, the Service, HPAs (autoscaling/v2), PDBs (policy/v1)', async () => {
    const { res } = await render();
    expect(res.objects.map((o) => `${o.apiVersion} ${o.kind}/${o.name}`).sort()).toEqual([
      'apps/v1 Deployment/agent-hub-gateway',
      'apps/v1 Deployment/agent-hub-worker',
      'autoscaling/v2 HorizontalPodAutoscaler/agent-hub-gateway',
      'autoscaling/v2 HorizontalPodAutoscaler/agent-hub-worker',
      'policy/v1 PodDisruptionBudget/agent-hub-gateway',
      'policy/v1 PodDisruptionBudget/agent-hub-worker',
      'v1 Service/agent-hub-gateway',
      'v1 ServiceAccount/agent-hub',
    ]);
    for (const name of ['agent-hub-gateway', 'agent-hub-worker']) {
      const hpa = find<Hpa>(res, 'HorizontalPodAutoscaler', name);
      expect(hpa.spec.scaleTargetRef).toMatchObject({ kind: 'Deployment', name });
      expect(hpa.spec.metrics.map((m) => m.resource?.name)).toEqual(['cpu']);
      const d = find<Deployment>(res, 'Deployment', name);
      expect(d.spec.replicas, 'the HPA owns the replica count').toBeUndefined();
      expect(d.spec.template.spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
      expect(container(d).securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
    }
  });

  it('probes the gateway on /healthz (startup, liveness) and /readyz (readiness) with a Host the gateway accepts', async () => {
    const { res } = await render();
    const c = container(find<Deployment>(res, 'Deployment', 'agent-hub-gateway'));
    expect(c.ports).toEqual([{ name: 'http', containerPort: 8787, protocol: 'TCP' }]);
    for (const [probe, path] of [[c.startupProbe, '/healthz'], [c.livenessProbe, '/healthz'], [c.readinessProbe, '/readyz']] as const) {
      expect(probe?.httpGet).toEqual({ path, port: 'http', httpHeaders: [{ name: 'Host', value: 'localhost' }] });
    }
    const e = env(c);
    expect(e.get('HOST')?.value).toBe('0.0.0.0');
    expect(e.get('HUB_ALLOWED_HOSTS')?.value?.split(',')).toEqual(
      expect.arrayContaining(['agent-hub-gateway', 'agent-hub-gateway.hub.svc.cluster.local', '$(POD_IP)']),
    );
    // POD_IP is defined before the variable that refers to it (Kubernetes expands $(VAR) from earlier entries only).
    const names = [...e.keys()];
    expect(names.indexOf('POD_IP')).toBeLessThan(names.indexOf('HUB_ALLOWED_HOSTS'));
  });

  it('takes secrets from the Secret by key: API keys (required), admin and payload keys, provider keys by variable name', async () => {
    const { res } = await render('-f', FULL);
    const gw = env(container(find<Deployment>(res, 'Deployment', 'agent-hub-gateway')));
    expect(gw.get('HUB_API_KEYS')?.valueFrom?.secretKeyRef).toEqual({ name: 'agent-hub', key: 'hub-api-keys' });
    expect(gw.get('HUB_ADMIN_KEYS')?.valueFrom?.secretKeyRef).toEqual({ name: 'agent-hub', key: 'hub-admin-keys', optional: true });
    expect(gw.get('HUB_PAYLOAD_KEYS')?.valueFrom?.secretKeyRef?.key).toBe('hub-payload-keys');
    const wk = env(container(find<Deployment>(res, 'Deployment', 'agent-hub-worker')));
    expect(wk.get('HUB_PAYLOAD_KEYS')?.valueFrom?.secretKeyRef?.key).toBe('hub-payload-keys');
    expect(wk.get('OPENAI_API_KEY')?.valueFrom?.secretKeyRef).toEqual({ name: 'agent-hub', key: 'openai-api-key', optional: true });
    expect(wk.get('PRIMARY_API_KEY')?.valueFrom?.secretKeyRef).toEqual({ name: 'agent-hub', key: 'primary-api-key' });
    expect(gw.has('PRIMARY_API_KEY') || gw.has('OPENAI_API_KEY'), 'the gateway never calls a model').toBe(false);
    // No secret value is ever an env value.
    for (const e of [...gw.values(), ...wk.values()]) expect(e.value ?? '').not.toMatch(/sk-test|key-a:/);
  });

  it("mounts hub.config.json as a file the hub's own parser accepts, and the Temporal TLS material", async () => {
    const { res } = await render('-f', FULL);
    const cm = find<{ data: Record<string, string> }>(res, 'ConfigMap', 'agent-hub-config');
    const cfg = parseHubConfig(cm.data['hub.config.json'] ?? '', 'the ConfigMap');
    expect(cfg.providers?.['primary']?.apiKeyEnv).toBe('PRIMARY_API_KEY');
    for (const name of ['agent-hub-gateway', 'agent-hub-worker']) {
      const d = find<Deployment>(res, 'Deployment', name);
      const e = env(container(d));
      expect(e.get('HUB_CONFIG')?.value).toBe('/etc/agent-hub/config/hub.config.json');
      expect(container(d).volumeMounts).toContainEqual({ name: 'hub-config', mountPath: '/etc/agent-hub/config', readOnly: true });
      expect(e.get('TEMPORAL_ADDRESS')?.value).toBe('temporal.example.internal:7233');
      expect(e.get('TEMPORAL_NAMESPACE')?.value).toBe('agent-hub');
      expect(e.get('TEMPORAL_TLS')?.value).toBe('1');
      expect(e.get('TEMPORAL_TLS_CA')?.value).toBe('/etc/agent-hub/temporal-tls/ca.crt');
      expect(e.get('TEMPORAL_TLS_CERT')?.value).toBe('/etc/agent-hub/temporal-tls/tls.crt');
      expect(e.get('TEMPORAL_TLS_SERVER_NAME')?.value).toBe('temporal.example.internal');
      expect(d.spec.template.spec.volumes).toContainEqual({ name: 'temporal-tls', secret: { secretName: 'temporal-tls' } });
    }
  });

  it('sets the standard OTEL_* variables only when OpenTelemetry is on', async () => {
    const on = await render('-f', FULL);
    const e = env(container(find<Deployment>(on.res, 'Deployment', 'agent-hub-worker')));
    expect(e.get('OTEL_SERVICE_NAME')?.value).toBe('agent-hub-worker');
    expect(e.get('OTEL_EXPORTER_OTLP_ENDPOINT')?.value).toMatch(/^http:\/\/.+:4318$/);
    expect(e.get('OTEL_RESOURCE_ATTRIBUTES')?.value).toContain('k8s.pod.name=$(POD_NAME)');
    expect(e.get('OTEL_EXPORTER_OTLP_HEADERS')?.value).toBe('x-token=abc');
    const off = await render();
    expect(off.yaml).not.toMatch(/OTEL_/);
  });

  it("gives the worker a grace period that covers its drain, and refuses one that doesn't", async () => {
    const { res } = await render();
    const d = find<Deployment>(res, 'Deployment', 'agent-hub-worker');
    const c = container(d);
    const graceMs = Number(env(c).get('HUB_WORKER_SHUTDOWN_GRACE_MS')?.value);
    expect(graceMs).toBe(30_000);
    expect(d.spec.template.spec.terminationGracePeriodSeconds).toBe(45); // 30 s grace + 15 s to flush and close
    expect(c.lifecycle, 'no preStop by default: SIGTERM starts the drain at once').toBeUndefined();
    expect(env(c).get('HUB_METRICS_HOST')?.value).toBe('0.0.0.0');
    expect(c.ports).toEqual([{ name: 'metrics', containerPort: 19464, protocol: 'TCP' }]);

    const full = await render('-f', FULL); // preStop 5 s, grace 60 s
    const fd = find<Deployment>(full.res, 'Deployment', 'agent-hub-worker');
    expect(container(fd).lifecycle?.preStop?.exec?.command).toEqual(['sleep', '5']);
    expect(fd.spec.template.spec.terminationGracePeriodSeconds).toBe(5 + 60 + 15);
    expect(env(container(fd)).get('HUB_WORKER_SHUTDOWN_GRACE_MS')?.value).toBe('60000');

    const tooShort = await helm(['template', 'agent-hub', chartDir, '--set', 'worker.terminationGracePeriodSeconds=20']);
    expect(tooShort.code).not.toBe(0);
    expect(tooShort.stderr).toContain('worker.terminationGracePeriodSeconds (20) must be at least');
  });

  it('refuses values it cannot run with: no API keys, unknown keys, wrong types, min above max', async () => {
    const cases: [string[], RegExp][] = [
      [['--set', 'secrets.gateway.HUB_API_KEYS=null'], /HUB_API_KEYS is required/],
      [['--set', 'worker.replica=3'], /additional properties 'replica' not allowed/],
      [['--set-string', 'gateway.port=http'], /gateway\/port/],
      [['--set', 'worker.autoscaling.minReplicas=5', '--set', 'worker.autoscaling.maxReplicas=2'], /minReplicas \(5\) is above maxReplicas \(2\)/],
      [['--set', 'temporal.tls.enabled=true', '--set', 'temporal.tls.ca=true'], /temporal.tls.secretName is required/],
    ];
    for (const [args, message] of cases) {
      const out = await helm(['template', 'agent-hub', chartDir, ...args]);
      expect(out.code, args.join(' ')).not.toBe(0);
      expect(out.stderr).toMatch(message);
    }
  });
});

describe('deploy-validate k8s (the manifest validator itself)', () => {
  let rendered = '';
  beforeAll(async () => {
    rendered = (await render()).yaml;
  });

  const broken: [string, (yaml: string) => string, RegExp][] = [
    ['an unknown field', (y) => y.replace('readinessProbe:', 'readinessProbes:'), /unknown field "spec.template.spec.containers\[0\].readinessProbes"/],
    ['a value of the wrong type', (y) => y.replace('minReplicas: 2', 'minReplicas: two'), /cannot unmarshal|invalid type|expected/],
    ['a duplicate field', (y) => y.replace('  type: ClusterIP', '  type: ClusterIP\n  type: NodePort'), /duplicate field|already set/],
    ['a kind it does not know', (y) => `${y}\n---\napiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: x}\n`, /no kind "ServiceMonitor" is registered/],
    ['an HPA on a missing Deployment', (y) => y.replace(/(kind: Deployment\n\s+name: )agent-hub-worker/, '$1agent-hub-wrker'), /scaleTargetRef apps\/v1 Deployment\/agent-hub-wrker is not a Deployment of the render/],
    ['a Service selecting no pods', (y) => y.replace(/(selector:\n\s+app.kubernetes.io\/name: agent-hub\n\s+app.kubernetes.io\/instance: agent-hub\n\s+app.kubernetes.io\/component: )gateway(\n\s+ports:)/, '$1gatewy$2'), /selects no Deployment's pods/],
    ['a probe on an undeclared port', (y) => y.replace('path: /readyz, port: http', 'path: /readyz, port: admin'), /readinessProbe uses port "admin"/],
  ];
  for (const [what, mutate, message] of broken) {
    it(`rejects ${what}`, async () => {
      const yaml = mutate(rendered);
      expect(yaml, 'the mutation applies').not.toBe(rendered);
      const { code, result } = await validate<K8sResult>(['k8s', writeScratch('broken.yaml', yaml)]);
      expect(code).toBe(1);
      expect(result.ok).toBe(false);
      expect(result.errors.join('\n')).toMatch(message);
    });
  }

  it('accepts the render it was given (the mutations above are the only difference)', async () => {
    const { code, result } = await validate<K8sResult>(['k8s', writeScratch('render.yaml', rendered)]);
    expect(result.errors).toEqual([]);
    expect(code).toBe(0);
  });
});
