import { schemaErrors } from './_schema';

const configMap = () => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'multus-daemon-config', namespace: 'kube-system', labels: { 'app.kubernetes.io/name': 'multus' } },
  data: { 'daemon-config.json': '{"cniVersion":"0.3.1"}' },
});

const daemonSet = (): any => ({
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: { name: 'kube-multus-ds', namespace: 'kube-system', annotations: { 'example.com/note': 'x' } },
  spec: {
    selector: { matchLabels: { name: 'multus' } },
    updateStrategy: { type: 'RollingUpdate' },
    template: {
      metadata: { labels: { name: 'multus' } },
      spec: {
        hostPID: true,
        hostNetwork: true,
        serviceAccountName: 'multus',
        tolerations: [{ operator: 'Exists', effect: 'NoSchedule' }],
        initContainers: [{
          name: 'install-multus-binary',
          image: 'ghcr.io/k8snetworkplumbingwg/multus-cni:v4.0.2-thick',
          command: ['cp', '/usr/src/multus-cni/bin/multus-shim', '/host/opt/cni/bin/multus-shim'],
          securityContext: { privileged: true },
          volumeMounts: [{ name: 'cnibin', mountPath: '/host/opt/cni/bin', mountPropagation: 'Bidirectional' }],
        }],
        containers: [{
          name: 'kube-multus',
          image: 'ghcr.io/k8snetworkplumbingwg/multus-cni:v4.0.2-thick',
          resources: { requests: { cpu: '100m', memory: '50Mi' }, limits: { memory: 100 } },
          env: [{ name: 'MULTUS_NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }],
          securityContext: { privileged: true },
          volumeMounts: [
            { name: 'host-run', mountPath: '/host/run' },
            { name: 'host-run-netns', mountPath: '/run/netns', mountPropagation: 'HostToContainer' },
          ],
        }],
        volumes: [
          { name: 'cnibin', hostPath: { path: '/var/lib/rancher/k3s/data/current/bin', type: 'DirectoryOrCreate' } },
          { name: 'host-run', hostPath: { path: '/run' } },
          { name: 'host-run-netns', hostPath: { path: '/run/netns/' } },
          { name: 'config', configMap: { name: 'multus-daemon-config', items: [{ key: 'daemon-config.json', path: 'daemon-config.json' }] } },
        ],
      },
    },
  },
});

const clusterRole = () => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRole',
  metadata: { name: 'multus' },
  rules: [
    { apiGroups: ['k8s.cni.cncf.io'], resources: ['*'], verbs: ['*'] },
    { apiGroups: [''], resources: ['pods', 'pods/status'], verbs: ['get', 'update'] },
  ],
});

const clusterRoleBinding = () => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRoleBinding',
  metadata: { name: 'multus' },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'multus' },
  subjects: [{ kind: 'ServiceAccount', name: 'multus', namespace: 'kube-system' }],
});

const serviceAccount = () => ({
  apiVersion: 'v1',
  kind: 'ServiceAccount',
  metadata: { name: 'multus', namespace: 'kube-system' },
});

const customResourceDefinition = (): any => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'network-attachment-definitions.k8s.cni.cncf.io' },
  spec: {
    group: 'k8s.cni.cncf.io',
    scope: 'Namespaced',
    names: { plural: 'network-attachment-definitions', singular: 'network-attachment-definition', kind: 'NetworkAttachmentDefinition', shortNames: ['net-attach-def'] },
    versions: [{
      name: 'v1',
      served: true,
      storage: true,
      schema: {
        openAPIV3Schema: {
          description: 'NetworkAttachmentDefinition is a CRD schema specified by the Network Plumbing Working Group',
          type: 'object',
          properties: {
            apiVersion: { type: 'string' },
            kind: { type: 'string' },
            metadata: { type: 'object' },
            spec: {
              type: 'object',
              properties: {
                config: { type: 'string', description: 'NetworkAttachmentDefinition config is a JSON-formatted CNI configuration' },
                extra: { 'type': 'object', 'x-kubernetes-preserve-unknown-fields': true, 'default': { any: { thing: 1 } } },
                labels: { type: 'object', additionalProperties: { type: 'string', maxLength: 63 } },
                ports: { 'type': 'array', 'items': { type: 'integer', minimum: 1 }, 'x-kubernetes-list-type': 'set' },
              },
            },
          },
        },
      },
    }],
  },
});

const networkAttachmentDefinition = (): any => ({
  apiVersion: 'k8s.cni.cncf.io/v1',
  kind: 'NetworkAttachmentDefinition',
  metadata: { name: 'macvlan-conf', namespace: 'default' },
  spec: { config: '{"cniVersion":"0.3.1","type":"macvlan"}' },
});

describe('schemaErrors', () => {
  test.each([
    ['ConfigMap', configMap()],
    ['DaemonSet with hostPID, hostNetwork, initContainers, volumes and mountPropagation', daemonSet()],
    ['ClusterRole', clusterRole()],
    ['ClusterRoleBinding', clusterRoleBinding()],
    ['ServiceAccount', serviceAccount()],
    ['CustomResourceDefinition with nested JSONSchemaProps', customResourceDefinition()],
    ['NetworkAttachmentDefinition', networkAttachmentDefinition()],
  ])('accepts a valid %s', (_name, manifest) => {
    expect(schemaErrors(manifest)).toEqual([]);
  });

  test('reports an unknown pod field at its path (hostPid instead of hostPID)', () => {
    const ds = daemonSet();
    ds.spec.template.spec.hostPid = true;
    expect(schemaErrors(ds)).toEqual(['spec.template.spec.hostPid: unknown field']);
  });

  test('reports a misspelt volume mount field (mountPropogation)', () => {
    const ds = daemonSet();
    ds.spec.template.spec.containers[0].volumeMounts[0].mountPropogation = 'HostToContainer';
    expect(schemaErrors(ds)).toEqual(['spec.template.spec.containers[0].volumeMounts[0].mountPropogation: unknown field']);
  });

  test('reports unknown fields in ObjectMeta and at the top level', () => {
    const cm: any = configMap();
    cm.metadata.label = { a: 'b' };
    cm.datas = {};
    expect(schemaErrors(cm)).toEqual(['metadata.label: unknown field', 'datas: unknown field']);
  });

  test('fails when a field has the wrong type (hostNetwork: "yes")', () => {
    const ds = daemonSet();
    ds.spec.template.spec.hostNetwork = 'yes';
    expect(schemaErrors(ds)).toEqual(['spec.template.spec.hostNetwork: must be boolean']);
  });

  test('fails when an enum value is wrong (mountPropagation: "Shared")', () => {
    const ds = daemonSet();
    ds.spec.template.spec.initContainers[0].volumeMounts[0].mountPropagation = 'Shared';
    expect(schemaErrors(ds)).toEqual([
      'spec.template.spec.initContainers[0].volumeMounts[0].mountPropagation: must be equal to one of the allowed values',
    ]);
  });

  test('reports an unknown field deep inside a CRD openAPIV3Schema', () => {
    const crd = customResourceDefinition();
    crd.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.labels.additionalProperties.maxLenght = 63;
    expect(schemaErrors(crd)).toEqual([
      'spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.labels.additionalProperties.maxLenght: unknown field',
    ]);
  });

  test.each([
    ['an unknown kind', { apiVersion: 'apps/v1', kind: 'DaemonSett', metadata: { name: 'x' } }, 'no schema for apps/v1/DaemonSett'],
    ['an unknown apiVersion', { apiVersion: 'example.com/v1', kind: 'Widget' }, 'no schema for example.com/v1/Widget'],
    ['a type that is not a top-level kind', { apiVersion: 'v1', kind: 'PodSpec' }, 'no schema for v1/PodSpec'],
  ])('fails when given %s', (_name, manifest, error) => {
    expect(schemaErrors(manifest)).toEqual([error]);
  });

  test('reports a misspelt NetworkAttachmentDefinition spec field (conifg)', () => {
    const nad = networkAttachmentDefinition();
    nad.spec = { conifg: nad.spec.config };
    expect(schemaErrors(nad)).toEqual(['spec.conifg: unknown field']);
  });

  test('fails when a NetworkAttachmentDefinition has a non-string config or bad metadata', () => {
    const nad = networkAttachmentDefinition();
    nad.spec.config = { cniVersion: '0.3.1' };
    nad.metadata.labels = { a: 1 };
    nad.metadata.nmae = 'x';
    expect(schemaErrors(nad)).toEqual([
      'metadata.labels.a: must be string',
      'spec.config: must be string',
      'metadata.nmae: unknown field',
    ]);
  });
});
