// The kubeconfig files that host-side plugins read (the thin plugin's, Whereabouts'): present,
// parseable, mode 0600, not a cluster-admin credential, and with a token that has not expired.
import { X509Certificate } from 'crypto';
import * as path from 'path';
import { parse as parseYaml } from 'yaml';
import { groupOrOtherAccess, permissionBits } from './_host';
import { DoctorFinding, findingsOf } from './finding';
import { NodeFacts } from './node';
import { whereaboutsKubeconfig, whereaboutsUses } from './whereabouts';
import * as facts from '../cni/facts';
import { Severity } from '../rules/finding';

const finding = findingsOf('kubeconfig');

/** A kubeconfig a host-side program reads, and who. */
interface Reference {
  readonly file: string;
  readonly user: string;
  /** Named in a config (so it must exist), or only found where a writer puts it. */
  readonly required: boolean;
}

function references(node: NodeFacts): Reference[] {
  const refs: Reference[] = [];
  const conf = node.runtime.confDir;
  const multus = node.multus;
  if (multus?.multus === 'thin' && typeof multus.config?.kubeconfig === 'string') {
    refs.push({ file: multus.config.kubeconfig, user: `the thin Multus plugin (${multus.name})`, required: true });
  }
  for (const use of whereaboutsUses(node)) {
    if (use.inlineKubeconfig) refs.push({ file: use.inlineKubeconfig, user: `whereabouts for ${use.user}`, required: true });
    const named = use.configFile ? whereaboutsKubeconfig(node, use.configFile).kubeconfig : undefined;
    if (named) refs.push({ file: named, user: `whereabouts (${use.configFile})`, required: true });
  }
  // Files where the writers put them, read by whatever is configured to: judged when present.
  for (const rel of [facts.MULTUS_KUBECONFIG_UNDER_CONF_DIR, facts.WHEREABOUTS_KUBECONFIG_UNDER_CONF_DIR]) {
    const file = path.posix.join(conf, rel);
    if (node.root.lstat(file)) refs.push({ file, user: `host-side plugins (${rel})`, required: false });
  }
  const seen = new Set<string>();
  return refs.filter((r) => !seen.has(r.file) && seen.add(r.file));
}

export function checkKubeconfigs(node: NodeFacts): DoctorFinding[] {
  const out: DoctorFinding[] = [];
  const admin = adminCredentials(node);
  for (const ref of references(node)) {
    const { root } = node;
    const stat = root.stat(ref.file);
    if (!stat) {
      if (ref.required) {
        out.push(finding('kubeconfig-missing', Severity.ERROR, {
          path: ref.file,
          message: `${ref.user} reads the kubeconfig ${ref.file}, which does not exist on the host: "error getting k8s client"`,
          fix: 'add a MultusKubeconfigJob (or the Whereabouts construct) for this layout, which writes it on every node, and reference its hostPath',
        }));
      }
      continue;
    }
    const text = root.readText(ref.file);
    if (text === undefined) continue;
    let kc: any;
    try {
      kc = parseYaml(text);
    } catch {
      kc = undefined;
    }
    const user = currentUser(kc);
    if (!user) {
      out.push(finding('kubeconfig-invalid', Severity.ERROR, {
        path: ref.file,
        message: `${ref.file}, read by ${ref.user}, is not a kubeconfig with a current context and its user`,
        fix: 'let the writer rewrite it: restart its pod on this node (MultusKubeconfigJob, Whereabouts)',
      }));
      continue;
    }
    if (groupOrOtherAccess(stat)) {
      out.push(finding('kubeconfig-mode', Severity.ERROR, {
        path: ref.file,
        message: `${ref.file} has mode ${permissionBits(stat).toString(8).padStart(4, '0')}: any local user can read the credential in it`,
        fix: `chmod 0600 ${ref.file}; and have it written with mode 0600 (MultusKubeconfigJob does)`,
      }));
    }
    const why = adminReason(node, user, text, admin);
    if (why) {
      out.push(finding('kubeconfig-admin', Severity.ERROR, {
        path: ref.file,
        message: `${ref.file}, read by ${ref.user} on every CNI call, is a cluster-admin credential (${why}): anyone who reads it owns the cluster`,
        fix: `replace it with a least-privilege kubeconfig (MultusKubeconfigJob writes one per node from its own ServiceAccount); never copy ${facts.K3S_ADMIN_KUBECONFIG}`,
      }));
    }
    const expiry = tokenExpiry(node, user);
    if (expiry !== undefined && expiry <= Date.now()) {
      out.push(finding('kubeconfig-token-expired', Severity.ERROR, {
        path: ref.file,
        message: `the token in ${ref.file} expired at ${new Date(expiry).toISOString()}: ${ref.user} gets 401 Unauthorized; whatever rewrote it (the bound token is rotated hourly) has stopped`,
        fix: 'check that the kubeconfig writer (MultusKubeconfigJob\'s DaemonSet) runs on this node; it rewrites the file when kubelet rotates the token',
      }));
    }
  }
  return out;
}

/** The user entry of the current context. */
function currentUser(kc: any): any {
  if (!kc || typeof kc !== 'object') return undefined;
  const contexts = Array.isArray(kc.contexts) ? kc.contexts : [];
  const ctx = contexts.find((c: any) => c?.name === kc['current-context']) ?? (contexts.length === 1 ? contexts[0] : undefined);
  const users = Array.isArray(kc.users) ? kc.users : [];
  return users.find((u: any) => u?.name === ctx?.context?.user)?.user;
}

/** The credentials in k3s's admin kubeconfig, when the node has one. */
function adminCredentials(node: NodeFacts): { text?: string; secrets: string[] } {
  const text = node.root.readText(facts.K3S_ADMIN_KUBECONFIG);
  let kc: any;
  try {
    kc = text === undefined ? undefined : parseYaml(text);
  } catch {
    kc = undefined;
  }
  const secrets = (Array.isArray(kc?.users) ? kc.users : []).flatMap((u: any) => credentialsOf(u?.user));
  return { text, secrets };
}

function credentialsOf(user: any): string[] {
  return ['token', 'client-key-data', 'client-certificate-data', 'password'].map((k) => user?.[k]).filter((v): v is string => typeof v === 'string' && v.length > 0);
}

/** Why a kubeconfig user is a cluster admin, or undefined. */
function adminReason(node: NodeFacts, user: any, text: string, admin: { text?: string; secrets: string[] }): string | undefined {
  if (admin.text !== undefined && admin.text.trim() === text.trim()) return `a copy of ${facts.K3S_ADMIN_KUBECONFIG}`;
  if (credentialsOf(user).some((c) => admin.secrets.includes(c))) return `the credential of ${facts.K3S_ADMIN_KUBECONFIG}`;
  const pem = typeof user['client-certificate-data'] === 'string' ? Buffer.from(user['client-certificate-data'], 'base64').toString('utf8')
    : typeof user['client-certificate'] === 'string' ? node.root.readText(user['client-certificate']) : undefined;
  if (pem) {
    try {
      const subject = new X509Certificate(pem).subject.split('\n');
      if (subject.includes(`O=${facts.ADMIN_GROUP}`)) return `a client certificate in group ${facts.ADMIN_GROUP} (${subject.join(', ')})`;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** When a JWT token (inline or in `tokenFile`) expires, in ms, when it says. */
function tokenExpiry(node: NodeFacts, user: any): number | undefined {
  const token = typeof user.token === 'string' ? user.token : typeof user.tokenFile === 'string' ? node.root.readText(user.tokenFile)?.trim() : undefined;
  const parts = token?.split('.');
  if (!parts || parts.length !== 3) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    return typeof claims?.exp === 'number' ? claims.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}
