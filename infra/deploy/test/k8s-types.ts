/** The parts of rendered Kubernetes objects the chart's tests read (deploy-validate k8s's `objects`). */
export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean }; fieldRef?: { fieldPath: string } };
}

export interface Probe {
  httpGet?: { path: string; port: string | number; httpHeaders?: { name: string; value: string }[] };
  periodSeconds?: number;
}

export interface Container {
  name: string;
  image: string;
  ports?: { name?: string; containerPort: number }[];
  env?: EnvVar[];
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  lifecycle?: { preStop?: { exec?: { command: string[] } } };
  securityContext?: { readOnlyRootFilesystem?: boolean; allowPrivilegeEscalation?: boolean };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  volumeMounts?: { name: string; mountPath: string }[];
}

export interface Deployment {
  spec: {
    replicas?: number;
    template: {
      metadata: { labels: Record<string, string>; annotations?: Record<string, string> };
      spec: {
        containers: Container[];
        terminationGracePeriodSeconds?: number;
        securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
        volumes?: { name: string; secret?: { secretName: string }; configMap?: { name: string } }[];
      };
    };
  };
}

export interface Hpa {
  spec: {
    scaleTargetRef: { kind: string; name: string };
    minReplicas: number;
    maxReplicas: number;
    metrics: { type: string; resource?: { name: string } }[];
    behavior?: { scaleDown?: { stabilizationWindowSeconds?: number } };
  };
}

export interface K8sObject {
  apiVersion: string;
  kind: string;
  name: string;
  object: unknown;
}

export interface K8sResult {
  ok: boolean;
  errors: string[];
  objects: K8sObject[];
}

export function find<T>(res: K8sResult, kind: string, name: string): T {
  const o = res.objects.find((x) => x.kind === kind && x.name === name);
  if (!o) throw new Error(`${kind}/${name} is not in the render (${res.objects.map((x) => `${x.kind}/${x.name}`).join(', ')})`);
  return o.object as T;
}

export function container(d: Deployment): Container {
  const c = d.spec.template.spec.containers[0];
  if (!c) throw new Error('no container');
  return c;
}

export function env(c: Container): Map<string, EnvVar> {
  return new Map((c.env ?? []).map((e) => [e.name, e]));
}
