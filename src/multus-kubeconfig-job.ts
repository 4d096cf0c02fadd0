import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { scheduleOnNodes, nodeDaemonSet } from './_pod';
import { AppValidator } from './_validator';
import * as facts from './cni/facts';
import { ICniNodeLayout } from './layout/layout';
import { MountTable } from './mount-table';
import { NODE_DAEMON_NAMESPACE, NodeDaemonProps, nodeLayout } from './node-daemon';
import { HostPath, PodPath } from './paths';

/**
 * The writer's command: writes a kubeconfig for the pod's ServiceAccount (server from the
 * in-cluster service address, CA and token from the service-account mount) to a temp file in the
 * target dir, mode 0600, and renames it over the target; then rewrites it whenever the token or CA
 * change (kubelet rotates the projected token). `SA_DIR` and `ONCE` exist for tests.
 */
export const KUBECONFIG_WRITER_SCRIPT = [
  'set -eu',
  'sa="${SA_DIR:-/var/run/secrets/kubernetes.io/serviceaccount}"',
  'out="$KUBECONFIG_FILE"',
  'mkdir -p "$(dirname "$out")"',
  'host="$KUBERNETES_SERVICE_HOST"',
  'case "$host" in *:*) host="[$host]";; esac',
  'server="https://$host:$KUBERNETES_SERVICE_PORT"',
  'umask 077',
  'write() {',
  '  tmp="$out.tmp.$$"',
  '  ca="$(base64 < "$sa/ca.crt" | tr -d \'\\n\')"',
  '  token="$(cat "$sa/token")"',
  '  printf \'%s\\n\' "apiVersion: v1" "kind: Config" "clusters:" "- name: local" "  cluster:" "    server: $server" \\',
  '    "    certificate-authority-data: $ca" "users:" "- name: $WRITER_NAME" "  user:" "    token: $token" "contexts:" \\',
  '    "- name: $WRITER_NAME" "  context:" "    cluster: local" "    user: $WRITER_NAME" "current-context: $WRITER_NAME" > "$tmp"',
  '  chmod 0600 "$tmp"',
  '  mv -f "$tmp" "$out"',
  '}',
  'last=""',
  'while :; do',
  '  now="$(cat "$sa/token" "$sa/ca.crt" | md5sum)"',
  '  if [ "$now" != "$last" ]; then write; last="$now"; echo "kubeconfig-writer: wrote $out"; fi',
  '  if [ "${ONCE:-}" = 1 ]; then exit 0; fi',
  '  sleep "$INTERVAL_SECONDS"',
  'done',
].join('\n');

const LONG_LIVED_DIR = '/var/run/secrets/multus-kubeconfig-token';

/** What the consumer of a kubeconfig may do in the API. */
export interface KubeconfigPermission {
  /** API group ('' for core). */
  readonly apiGroup: string;
  /** Resource, such as `pods` or `pods/status`. */
  readonly resource: string;
  /** Verbs. */
  readonly verbs: string[];
}

/**
 * Props for `MultusKubeconfigJob`. Its `nodeSelector` must take in every node whose CNI reads the
 * file it writes.
 */
export interface MultusKubeconfigJobProps extends NodeDaemonProps {
  /**
   * The host file to write.
   * @default - `<CNI config dir>/multus.d/multus.kubeconfig`, where the thin plugin looks
   */
  readonly hostPath?: string;
  /**
   * The base name of the ServiceAccount, ClusterRole, binding and DaemonSet.
   * @default 'multus-kubeconfig'
   */
  readonly name?: string;
  /**
   * What the consumer needs, and nothing more.
   * @default - what the thin Multus plugin does: get pods, update pods/status, get NetworkAttachmentDefinitions, create and patch events
   */
  readonly permissions?: KubeconfigPermission[];
  /**
   * How often the writer checks the token and CA for changes.
   * @default Duration.seconds(60)
   */
  readonly checkInterval?: Duration;
  /**
   * Put a long-lived token in the file instead of the pod's bound token. The bound token expires
   * (kubelet rotates it, and the writer follows), so a node whose writer is gone for longer than
   * the token's lifetime loses API access for its CNI plugin. A long-lived token Secret never
   * expires: it stays valid on every node's disk until the Secret is deleted, which is the only
   * way to revoke it. Choose it only where the writer cannot be kept running.
   * @default false
   */
  readonly longLivedToken?: boolean;
}

/** What the thin Multus plugin does in the API. */
const THIN_MULTUS_PERMISSIONS: KubeconfigPermission[] = [
  { apiGroup: '', resource: 'pods', verbs: ['get'] },
  { apiGroup: '', resource: 'pods/status', verbs: ['update'] },
  { apiGroup: facts.NAD_GROUP, resource: 'network-attachment-definitions', verbs: ['get'] },
  { apiGroup: '', resource: 'events', verbs: ['create', 'patch'] },
];

/**
 * Keeps a least-privilege kubeconfig on every node (new nodes included) for a host-side CNI
 * program that has no writer of its own: a dedicated ServiceAccount with only the consumer's
 * permissions, and a DaemonSet that writes the file from the pod's bound, expiring service-account
 * token (kubelet rotates it), rewriting it when token or CA change. Never a copy of `k3s.yaml`.
 */
export class MultusKubeconfigJob extends Construct {
  /** The host file it writes, for consumers to reference. */
  public readonly hostPath: HostPath;
  /** The node layout. */
  public readonly paths: ICniNodeLayout;
  /** The ServiceAccount whose token the file carries. */
  public readonly serviceAccount: kplus.ServiceAccount;
  /** Its permissions. */
  public readonly clusterRole: kplus.ClusterRole;
  /** The writer. */
  public readonly daemonSet: kplus.DaemonSet;

  public constructor(scope: Construct, id: string, props: MultusKubeconfigJobProps = {}) {
    super(scope, id);
    this.paths = nodeLayout(this, props);
    this.hostPath = props.hostPath ? HostPath.of(props.hostPath, 'MultusKubeconfigJob: hostPath') : this.paths.confDir.join('multus.d', 'multus.kubeconfig');
    if (this.hostPath.parent.isSame(HostPath.ROOT)) throw new Error(`MultusKubeconfigJob: hostPath ${this.hostPath} lies directly in "/"; put it in a dir of its own`);
    const name = props.name ?? 'multus-kubeconfig';
    const namespace = props.namespace ?? NODE_DAEMON_NAMESPACE;
    const interval = (props.checkInterval ?? Duration.seconds(60)).toSeconds();
    if (interval < 1) throw new Error(`MultusKubeconfigJob: checkInterval must be at least one second, got ${interval}s`);

    this.serviceAccount = new kplus.ServiceAccount(this, 'ServiceAccount', { metadata: { name, namespace } });
    this.clusterRole = new kplus.ClusterRole(this, 'ClusterRole', { metadata: { name } });
    for (const p of props.permissions ?? THIN_MULTUS_PERMISSIONS) {
      if (!p.verbs.length || p.verbs.includes('*') || p.resource === '*') {
        throw new Error(`MultusKubeconfigJob: permissions must name resources and verbs, not "*" or nothing (got ${JSON.stringify(p)}); the file sits on every node`);
      }
      this.clusterRole.allow(p.verbs, kplus.ApiResource.custom({ apiGroup: p.apiGroup, resourceType: p.resource }));
    }
    new kplus.ClusterRoleBinding(this, 'ClusterRoleBinding', { metadata: { name }, role: this.clusterRole }).addSubjects(this.serviceAccount);

    const labels = { app: name };
    this.daemonSet = nodeDaemonSet(this, 'DaemonSet', {
      metadata: { name, namespace, labels },
      podMetadata: { labels },
      serviceAccount: this.serviceAccount,
      // The projected, bound, expiring token that kubelet rotates, with ca.crt beside it.
      automountServiceAccountToken: true,
      securityContext: { ensureNonRoot: false },
      isolate: false,
    }, labels);
    scheduleOnNodes(this.daemonSet, props.nodeSelector, true);
    // The file's dir, mounted under /host as the other node writers see it.
    const dir = this.hostPath.parent;
    const mounts = MountTable.of([{ mountPath: PodPath.of(facts.HOST_MOUNT_PREFIX).join(dir.path.slice(1)), volumeName: 'kubeconfig-dir', hostPath: dir, readOnly: false }]);
    const podFile = mounts.toPod(this.hostPath)!;
    const longLived = props.longLivedToken ?? false;
    const c = this.daemonSet.addContainer({
      name: 'kubeconfig-writer',
      image: facts.BUSYBOX_IMAGE,
      command: ['/bin/sh', '-c', KUBECONFIG_WRITER_SCRIPT],
      envVariables: {
        KUBECONFIG_FILE: kplus.EnvValue.fromValue(podFile.path),
        WRITER_NAME: kplus.EnvValue.fromValue(name),
        INTERVAL_SECONDS: kplus.EnvValue.fromValue(String(interval)),
        ...(longLived ? { SA_DIR: kplus.EnvValue.fromValue(LONG_LIVED_DIR) } : {}),
      },
      // Root to write a root-owned host dir; nothing more.
      securityContext: { ensureNonRoot: false, privileged: false, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true },
      resources: { cpu: { request: kplus.Cpu.millis(5) } },
    });
    c.mount(mounts.entries[0].mountPath.path, kplus.Volume.fromHostPath(this, 'Dir', 'kubeconfig-dir', {
      path: dir.path, type: kplus.HostPathVolumeType.DIRECTORY_OR_CREATE,
    }));
    if (longLived) {
      // A token Secret has the same token and ca.crt keys as the service-account mount.
      const secret = new kplus.ServiceAccountTokenSecret(this, 'TokenSecret', { metadata: { name: `${name}-token`, namespace }, serviceAccount: this.serviceAccount });
      c.mount(LONG_LIVED_DIR, kplus.Volume.fromSecret(this, 'TokenVolume', secret), { readOnly: true });
    }
    AppValidator.of(this).register(this.paths, this);
  }
}
