// The names the Kubernetes API server accepts for objects and namespaces, by kind, as its
// validation states them (kubernetes v1.37: pkg/apis/core/validation/validation.go,
// pkg/apis/apps/validation/validation.go, pkg/apis/rbac/validation/validation.go;
// apimachinery pkg/api/validation/generic.go; apiextensions-apiserver
// pkg/registry/customresource/validator.go for custom resources). The simulated node's API server
// is asked the same questions in the test suite.

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** One of the name grammars of the API server. */
interface Grammar {
  readonly describe: string;
  readonly accepts: (name: string) => boolean;
}

const LABEL: Grammar = {
  describe: 'a DNS-1123 label (at most 63 lower-case letters, digits and \'-\', starting and ending with a letter or digit)',
  accepts: (n) => n.length <= 63 && DNS1123_LABEL.test(n),
};
const SUBDOMAIN: Grammar = {
  describe: 'a DNS-1123 subdomain (at most 253 lower-case letters, digits, \'-\' and \'.\', each dot-separated part starting and ending with a letter or digit)',
  accepts: (n) => n.length <= 253 && DNS1123_SUBDOMAIN.test(n),
};
// Kubernetes 1.36 relaxed Service names to DNS-1123 labels (KEP-5311, RelaxedServiceNameValidation);
// every release before it requires a DNS-1035 label, which is what is checked here.
const DNS1035: Grammar = {
  describe: 'a DNS-1035 label (at most 63 lower-case letters, digits and \'-\', starting with a letter and ending with a letter or digit; Kubernetes before 1.36 requires it)',
  accepts: (n) => n.length <= 63 && DNS1035_LABEL.test(n),
};
const PATH_SEGMENT: Grammar = {
  describe: 'a path segment (not "." or "..", without \'/\' or \'%\')',
  accepts: (n) => n !== '.' && n !== '..' && !/[/%]/.test(n),
};

/** The kinds whose names follow another grammar than a DNS-1123 subdomain. */
const BY_KIND: { readonly [kind: string]: Grammar } = {
  Namespace: LABEL,
  StatefulSet: LABEL,
  Service: DNS1035,
  Role: PATH_SEGMENT,
  ClusterRole: PATH_SEGMENT,
  RoleBinding: PATH_SEGMENT,
  ClusterRoleBinding: PATH_SEGMENT,
};

/** What is wrong with `name` as the name of an object of `kind`, or undefined. */
export function objectNameProblem(kind: string, name: string): string | undefined {
  if (name === '') return 'has no metadata.name; the API server refuses it ("name or generateName is required")';
  const grammar = Object.prototype.hasOwnProperty.call(BY_KIND, kind) ? BY_KIND[kind] : SUBDOMAIN;
  return grammar.accepts(name) ? undefined : `name ${JSON.stringify(name)} is not ${grammar.describe}, which the API server requires of a ${kind}`;
}

/** What is wrong with `namespace` as an object's namespace, or undefined. */
export function namespaceProblem(namespace: string): string | undefined {
  return LABEL.accepts(namespace) ? undefined : `namespace ${JSON.stringify(namespace)} is not ${LABEL.describe}`;
}
