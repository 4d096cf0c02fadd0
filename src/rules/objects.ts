// The rules on the objects of an app as a whole, whatever their kind.
import { asText } from '../_json';
import { defineRule } from './_define';
import { Obj } from './_model';
import { Finding, Severity } from './finding';
import * as facts from '../cni/facts';
import { namespaceProblem, objectNameProblem } from '../cni/object-names';

/**
 * Kinds the API server keeps outside namespaces: their identity has no namespace, whatever a
 * manifest writes in `metadata.namespace` (kubectl ignores it).
 */
export const CLUSTER_SCOPED = new Set([
  'Namespace', 'Node', 'PersistentVolume', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition',
  'StorageClass', 'PriorityClass', 'RuntimeClass', 'IngressClass', 'CSIDriver', 'CSINode', 'APIService',
  'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding', 'CertificateSigningRequest', 'VolumeAttachment',
]);

/** What the API server knows an object by: API group, kind, namespace and name. */
function identity(o: Obj): string {
  const apiVersion = asText(o.manifest.apiVersion ?? '');
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  const namespace = CLUSTER_SCOPED.has(o.kind) ? '' : o.namespace ?? '';
  return `${group}/${o.kind}/${namespace}/${o.name}`;
}

export const objectUnique = defineRule({
  id: 'object-unique',
  severity: Severity.ERROR,
  layoutIndependent: true,
  summary: 'No two objects of the app are the same object to the API server (API group, kind, namespace and name), across charts and layouts.',
  catches: 'a MultusThick created twice, or once per layout with the same name, writing kube-system/kube-multus-ds twice: applied together, the last one wins and the nodes of the other layout get a daemon with the wrong paths.',
  check: (m, report) => {
    const seen = new Map<string, Obj>();
    const out: Finding[] = [];
    for (const o of m.objects) {
      // Two NetworkAttachmentDefinitions of one name are network-name-unique's.
      if (o.kind === facts.NAD_KIND || !o.name) continue;
      const key = identity(o);
      const first = seen.get(key);
      if (!first) {
        seen.set(key, o);
        continue;
      }
      const same = JSON.stringify(first.manifest) === JSON.stringify(o.manifest);
      const ns = CLUSTER_SCOPED.has(o.kind) || !o.namespace ? '' : `${o.namespace}/`;
      out.push(report(o, {
        field: 'metadata.name',
        found: `${o.kind} ${ns}${o.name}`,
        expected: 'each object written once',
        message: `${o.kind} ${ns}${o.name} is written twice${first.source ? ` (also at ${first.source})` : ''}` +
          (same ? ', identically: a construct or manifest included twice' : ', with different contents: applied together, the last one wins and the other is lost'),
        fix: o.kind === 'CustomResourceDefinition'
          ? 'let one construct own it (MultusThick takes installCrd: false)'
          : 'create the construct once, or give each its own name (MultusThick and MultusThin take name; nodes of two layouts need two daemons with distinct names and node selectors)',
      }));
    }
    return out;
  },
});

export const objectName = defineRule({
  id: 'object-name',
  severity: Severity.ERROR,
  layoutIndependent: true,
  summary: 'Every object has a name, and a namespace where it has one, that the API server accepts for its kind (DNS-1123 subdomain, label, DNS-1035 label for Services, path segment for RBAC).',
  catches: 'an apply refused half-way ("metadata.name: Invalid value", "a lowercase RFC 1123 label must consist of..."), after the objects before it were created.',
  check: (m, report) => m.objects.flatMap((o) => {
    const out: Finding[] = [];
    const meta = o.manifest.metadata;
    const generated = typeof meta?.generateName === 'string' && meta.generateName !== '' && (meta.name === undefined || meta.name === null);
    const nameProblem = generated ? undefined : typeof meta?.name === 'string' || meta?.name === undefined || meta?.name === null
      ? objectNameProblem(o.kind, o.name)
      : `name ${asText(meta.name)} is not a string`;
    if (nameProblem) {
      out.push(report(o, {
        field: 'metadata.name',
        found: o.name === '' ? 'not set' : o.name,
        expected: `a name the API server accepts for a ${o.kind}`,
        message: `${o.kind} ${nameProblem}`,
        fix: o.name === '' ? 'set metadata.name' : `rename it, for example to ${JSON.stringify(suggestName(o.name))}`,
      }));
    }
    if (!CLUSTER_SCOPED.has(o.kind) && meta?.namespace !== undefined && meta?.namespace !== null) {
      const problem = typeof meta.namespace === 'string' ? namespaceProblem(meta.namespace) : `namespace ${asText(meta.namespace)} is not a string`;
      if (problem) {
        out.push(report(o, {
          field: 'metadata.namespace',
          found: asText(meta.namespace),
          expected: 'a DNS-1123 label',
          message: `${o.kind} ${o.name}: ${problem}; the API server refuses the object`,
          fix: `use a namespace such as ${JSON.stringify(suggestName(asText(meta.namespace)).slice(0, 63).replace(/[.]/g, '-').replace(/-+$/, '') || 'default')}`,
        }));
      }
    }
    return out;
  }),
});

/** A name of the DNS-1123 subdomain grammar close to `name`, for a fix. */
function suggestName(name: string): string {
  const out = name.toLowerCase().replace(/[^a-z0-9.-]+/g, '-').replace(/^[^a-z0-9]+/, '').replace(/[^a-z0-9]+$/, '');
  return out.slice(0, 63).replace(/[^a-z0-9]+$/, '') || 'name';
}

// What the tools do with a key defined twice, from their sources (and run in
// test/conformance/yaml-referee.test.ts): kubectl apply -f decodes each document with
// k8s.io/apimachinery's YAMLOrJSONDecoder (k8s.io/cli-runtime v0.37.2 pkg/resource/visitor.go:590),
// whose YAMLToJSON keeps the last value (sigs.k8s.io/yaml v1.6.0 yaml.go:142); the API server's
// strict decoding of a YAML body runs YAMLToJSONStrict (k8s.io/apimachinery v0.37.2
// pkg/runtime/serializer/json/json.go:278-281), which fails with go.yaml.in/yaml/v2's
// `line %d: key %#v already set in map` (decode.go:687); kustomize (api v0.21.1, kubectl's) fails
// when it writes the resources out, with yaml.v3's `mapping key "x" already defined at line N`.
export const duplicateKey = defineRule({
  id: 'duplicate-key',
  severity: Severity.ERROR,
  layoutIndependent: true,
  summary: 'No mapping of a manifest defines a key twice (YAML read by lint; what kubectl, the API server and kustomize do with one is run in test/conformance/yaml-referee.test.ts, sources cited in src/rules/objects.ts).',
  catches: 'an edit to the first of two `image:` or `config:` keys that changes nothing, because kubectl keeps the last one; an apply refused with `key "x" already set in map` by the API server (strict field validation of a YAML body) or `mapping key "x" already defined` by kustomize build.',
  check: (m, report) => m.objects.flatMap((o) => o.duplicateKeys.map((d) => {
    const path = d.replace(/ \(lines? [^)]*\)$/, '');
    return report(o, {
      field: path,
      found: `defined more than once: ${d}`,
      expected: 'each key once per mapping',
      message: 'the key is defined twice in one mapping: kubectl apply -f (sigs.k8s.io/yaml) keeps the last value and drops the others silently, ' +
        'while the API server decoding a YAML body with strict field validation refuses the object (`yaml: unmarshal errors: line N: key "x" already set in map`) ' +
        'and kustomize build refuses the file (`mapping key "x" already defined at line N`; not under metadata.annotations, which it rewrites)',
      fix: 'keep one definition of the key, with the value meant; lint judged the last one',
    });
  })),
});
