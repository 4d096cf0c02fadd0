import { MOVING_TAG } from './facts';

// The grammar of an image reference as containerd, kubelet and Docker parse it
// (github.com/distribution/reference, regexp.go and normalize.go; github.com/opencontainers/go-digest).
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = new RegExp(`^${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*(?::[0-9]+)?$`);
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const ALGORITHM = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*$/;
/** Hex lengths of the digest algorithms the runtime knows. */
const DIGEST_HEX: { readonly [algorithm: string]: number } = { sha256: 64, sha384: 96, sha512: 128 };
const MAX_NAME = 255;

/** An image reference, split as the container runtime splits it. */
export interface ImageReference {
  /** The registry, when the reference names one (`ghcr.io`, `registry:5000`, `localhost`). */
  readonly domain?: string;
  /** The repository path within the registry. */
  readonly path: string;
  readonly tag?: string;
  readonly digest?: string;
}

/** Parses an image reference, or says why the container runtime would refuse it. */
export function parseImageReference(ref: string): ImageReference | string {
  if (ref === '') return 'is empty';
  if (/\s/.test(ref)) return `${JSON.stringify(ref)} contains white space, which no image reference may`;
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    const [algorithm, hex, extra] = digest.split(':');
    if (extra !== undefined || hex === undefined || !ALGORITHM.test(algorithm)) return `digest "${digest}" is not algorithm:hex (such as sha256:<64 hex digits>)`;
    const length = DIGEST_HEX[algorithm];
    if (length === undefined) return `digest algorithm "${algorithm}" is not one the runtime knows (${Object.keys(DIGEST_HEX).join(', ')})`;
    if (!new RegExp(`^[a-f0-9]{${length}}$`).test(hex)) return `digest "${digest}" must have exactly ${length} lower-case hex digits after "${algorithm}:"`;
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) return `tag "${tag}" is not a tag (1 to 128 of letters, digits, '_', '.', '-', not starting with '.' or '-')`;
  }
  if (rest.length > MAX_NAME) return `the name is ${rest.length} characters, more than ${MAX_NAME}`;
  const slash = rest.indexOf('/');
  const first = slash < 0 ? rest : rest.slice(0, slash);
  // The first component is a registry when it has a dot, a port or upper case, or is localhost.
  const hasDomain = slash >= 0 && (/[.:]/.test(first) || first === 'localhost' || first !== first.toLowerCase());
  const domain = hasDomain ? first : undefined;
  const path = hasDomain ? rest.slice(slash + 1) : rest;
  if (domain !== undefined && !DOMAIN.test(domain)) return `registry "${domain}" is not a host name with an optional port`;
  for (const component of path.split('/')) {
    if (component !== component.toLowerCase()) return `repository "${path}" has upper case; repository names are lower case`;
    if (!PATH_COMPONENT.test(component)) return `repository "${path}" has the invalid component "${component}"`;
  }
  return { domain, path, tag, digest };
}

/** What is wrong with an image reference, or undefined when it is valid and pinned. */
export function imageProblem(image: unknown): string | undefined {
  if (typeof image !== 'string' || image === '') return 'no image';
  const ref = parseImageReference(image);
  if (typeof ref === 'string') return `"${image}" is not an image reference the container runtime accepts: ${ref}`;
  if (ref.digest !== undefined) return undefined;
  if (ref.tag === undefined) return `"${image}" has no tag, which means "latest"`;
  if (MOVING_TAG.test(ref.tag)) return `tag "${ref.tag}" moves: each node may pull a different build`;
  return undefined;
}
