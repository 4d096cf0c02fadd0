// Object names, with the API server as the referee: every name of a list, as an object of every
// kind of a list, is created with `kubectl apply --dry-run=server`, and the server's verdict is
// compared with the object-name rule's (compiled library, lib/).
import { Cluster } from './cluster';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const lib = require('../../lib');

const NAMES = [
  'web', 'Web', 'a_b', 'web-', '-web', '1web', 'db.primary', 'system:multus', 'sys/x', 'x%y', '..',
  'a'.repeat(63), 'a'.repeat(64), `${'a'.repeat(126)}.${'b'.repeat(126)}`, `${'a'.repeat(127)}.${'b'.repeat(126)}`,
];

const POD_TEMPLATE = {
  metadata: { labels: { app: 'names' } },
  spec: { containers: [{ name: 'c', image: 'busybox:1.36.1' }] },
};

/** A minimal object of each kind that the server accepts when its name is good. */
const KINDS: { [kind: string]: (name: string) => any } = {
  ConfigMap: (name) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' } }),
  ServiceAccount: (name) => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: 'default' } }),
  Service: (name) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec: { ports: [{ port: 80 }] } }),
  Namespace: (name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }),
  ClusterRole: (name) => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name }, rules: [] }),
  RoleBinding: (name) => ({
    apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name, namespace: 'default' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' }, subjects: [],
  }),
  Deployment: (name) => ({
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'default' },
    spec: { selector: { matchLabels: { app: 'names' } }, template: POD_TEMPLATE },
  }),
  StatefulSet: (name) => ({
    apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name, namespace: 'default' },
    spec: { selector: { matchLabels: { app: 'names' } }, serviceName: 'names', template: POD_TEMPLATE },
  }),
  NetworkAttachmentDefinition: (name) => ({
    apiVersion: 'k8s.cni.cncf.io/v1', kind: 'NetworkAttachmentDefinition', metadata: { name, namespace: 'default' },
    spec: { config: '{"cniVersion":"1.0.0","name":"names","type":"macvlan","master":"eth0"}' },
  }),
};

/** Namespaces, as namespaces of a ConfigMap named `settings`. */
const NAMESPACES = ['default', 'Default', 'kube_system', 'a'.repeat(63), 'a'.repeat(64), 'ns.one'];

export interface NamesResult {
  readonly cases: number;
  readonly refused: number;
  readonly disagreements: string[];
  /** Names this server (1.37) accepts that Kubernetes before 1.36 refuses, which the rule refuses. */
  readonly versionDifferences: string[];
}

/** Asks the server about every case; the NetworkAttachmentDefinition CRD must be established. */
export function namesAgreement(cluster: Cluster): NamesResult {
  const cases: { label: string; object: any; field: string }[] = [];
  for (const [kind, make] of Object.entries(KINDS)) {
    for (const name of NAMES) cases.push({ label: `${kind} ${JSON.stringify(name)}`, object: make(name), field: 'metadata.name' });
  }
  for (const namespace of NAMESPACES) {
    cases.push({
      label: `ConfigMap in namespace ${JSON.stringify(namespace)}`,
      object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace } },
      field: 'metadata.namespace',
    });
  }
  // A valid namespace of the longest length, so that the server judges names in it rather than
  // answering that it does not exist.
  cluster.kubectl('create', 'namespace', 'a'.repeat(63));
  const disagreements: string[] = [];
  const versionDifferences: string[] = [];
  let refused = 0;
  for (const c of cases) {
    const findings = lib.MultusRules.checkManifests([{ manifest: c.object }]).filter((f: any) => f.ruleId === 'object-name');
    let server: string | undefined;
    try {
      cluster.kubectlInput(JSON.stringify(c.object), 'apply', '--dry-run=server', '-f', '-');
    } catch (e: any) {
      server = String(e.message).split('\n').slice(1).join(' ').slice(0, 300);
      refused++;
    }
    const rule = findings.length > 0;
    // Kubernetes 1.36 relaxed Service names to DNS-1123 labels (KEP-5311); the rule keeps the
    // DNS-1035 label that every release before it requires, and this server is 1.37.
    if (rule && server === undefined && c.object.kind === 'Service' && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(c.object.metadata.name) && c.object.metadata.name.length <= 63) {
      versionDifferences.push(c.label);
      continue;
    }
    if (rule !== (server !== undefined)) {
      disagreements.push(`${c.label}: server ${server ? `refused (${server})` : 'accepted'}, object-name ${rule ? `reported ${findings[0].field}` : 'silent'}`);
    } else if (server && !findings.some((f: any) => f.field === c.field)) {
      disagreements.push(`${c.label}: server refused (${server}), object-name reported ${findings.map((f: any) => f.field).join(', ')} instead of ${c.field}`);
    }
  }
  return { cases: cases.length, refused, disagreements, versionDifferences };
}
