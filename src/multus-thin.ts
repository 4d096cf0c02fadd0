import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { addInstallers, pluginsForApp } from './_installers';
import { PRIVILEGED, pinnedImage, scheduleOnNodes, nodeDaemonSet } from './_pod';
import { AppValidator } from './_validator';
import * as facts from './cni/facts';
import { ICniNodeLayout } from './layout/layout';
import { MountTable } from './mount-table';
import { MultusLogLevel } from './multus-log-level';
import { NODE_DAEMON_NAMESPACE, NodeDaemonProps, nodeLayout } from './node-daemon';
import { HostPath, PodPath } from './paths';

/** Props for `MultusThin`. */
export interface MultusThinProps extends NodeDaemonProps {
  /** Base name of the objects. @default 'multus' */
  readonly name?: string;
  /**
   * The Multus thin image (release tags without `-thick`); moving tags are refused.
   * @default 'ghcr.io/k8snetworkplumbingwg/multus-cni:v4.3.0'
   */
  readonly image?: string;
  /** The reference plugins image. @default 'rancher/hardened-cni-plugins:v1.9.1-build20260819' */
  readonly pluginsImage?: string;
  /** Plugins to install besides those the app's networks use. @default [] */
  readonly extraPlugins?: string[];
  /** Replace the node's own plugins. @default false */
  readonly replaceBundledPlugins?: boolean;
  /**
   * cniVersion of the generated config. The entrypoint refuses a version that differs from the
   * primary network's config ("Multus cni version is ... while master plugin cni version is ...").
   * @default - the primary network's, which the entrypoint reads from its config at every start
   */
  readonly cniVersion?: string;
  /** Log level of the thin plugin. @default MultusLogLevel.VERBOSE */
  readonly logLevel?: MultusLogLevel;
}

/**
 * The Multus thin plugin: the `multus` binary runs on the host, so every path in the config it
 * reads is a host path. The entrypoint generates `00-multus.conf` from the node's own primary
 * config at every start (k3s rewrites that file itself, so nothing is inlined at synth), writes
 * `<config dir>/multus.d/multus.kubeconfig` from its ServiceAccount, and removes its config on exit.
 */
export class MultusThin extends Construct {
  /** The node layout. */
  public readonly paths: ICniNodeLayout;
  /** The ServiceAccount whose token the host-side kubeconfig carries. */
  public readonly serviceAccount: kplus.ServiceAccount;
  /** The DaemonSet. */
  public readonly daemonSet: kplus.DaemonSet;
  /** The host kubeconfig the entrypoint writes and the thin plugin reads. */
  public readonly kubeconfigHostPath: HostPath;
  private readonly props: MultusThinProps;

  public constructor(scope: Construct, id: string, props: MultusThinProps = {}) {
    super(scope, id);
    this.props = props;
    const name = props.name ?? 'multus';
    const namespace = props.namespace ?? NODE_DAEMON_NAMESPACE;
    const image = pinnedImage('MultusThin', 'image', props.image ?? facts.MULTUS_THIN_IMAGE);
    pinnedImage('MultusThin', 'pluginsImage', props.pluginsImage ?? facts.REFERENCE_PLUGINS_IMAGE);
    this.paths = nodeLayout(this, props);
    const layout = this.paths;
    this.kubeconfigHostPath = layout.confDir.join('multus.d', 'multus.kubeconfig');

    this.serviceAccount = new kplus.ServiceAccount(this, 'ServiceAccount', { metadata: { name, namespace }, automountToken: true });
    const role = new kplus.ClusterRole(this, 'ClusterRole', { metadata: { name } });
    // What the thin plugin does on each ADD and DEL: read the pod and its networks, write network-status.
    role.allow(['get'], kplus.ApiResource.PODS, kplus.ApiResource.custom({ apiGroup: facts.NAD_GROUP, resourceType: 'network-attachment-definitions' }));
    role.allow(['update'], kplus.ApiResource.custom({ apiGroup: '', resourceType: 'pods/status' }));
    role.allow(['create', 'patch'], kplus.ApiResource.EVENTS, kplus.ApiResource.custom({ apiGroup: 'events.k8s.io', resourceType: 'events' }));
    new kplus.ClusterRoleBinding(this, 'ClusterRoleBinding', { metadata: { name }, role }).addSubjects(this.serviceAccount);

    this.daemonSet = nodeDaemonSet(this, 'DaemonSet', {
      metadata: { name: `kube-${name}-ds`, namespace, labels: { app: name } },
      podMetadata: { labels: { app: name } },
      serviceAccount: this.serviceAccount,
      automountServiceAccountToken: true,
      hostNetwork: true,
      securityContext: { ensureNonRoot: false },
      terminationGracePeriod: Duration.seconds(10),
      isolate: false,
    }, { app: name });
    scheduleOnNodes(this.daemonSet, props.nodeSelector, true);
    const pullPolicy = kplus.ImagePullPolicy.IF_NOT_PRESENT;
    addInstallers(this, this.daemonSet, {
      layout,
      image,
      flavour: 'thin',
      pluginsImage: props.pluginsImage ?? facts.REFERENCE_PLUGINS_IMAGE,
      pluginsSourceDir: facts.REFERENCE_PLUGINS_DIR,
      pullPolicy,
      replaceBundled: props.replaceBundledPlugins ?? false,
      plugins: () => this.pluginsToInstall(),
    });
    // The entrypoint sees the node's dirs under /host; every path it writes into 00-multus.conf is a host path.
    const confPod = PodPath.of(facts.HOST_MOUNT_PREFIX).join(layout.confDir.path.slice(1));
    const binPod = PodPath.of(facts.HOST_MOUNT_PREFIX).join(layout.binDir.path.slice(1));
    // Multus's own dir for networks referenced by config name: created by the entrypoint and read
    // by the host plugin as cniConf, so the same path on both sides.
    const multusConfDir = HostPath.of(facts.MULTUS_DEFAULT_CONF_DIR);
    const mounts = MountTable.of([
      { mountPath: confPod, volumeName: 'cni-conf', hostPath: layout.confDir, readOnly: false },
      { mountPath: binPod, volumeName: 'cni-bin-dir', hostPath: layout.binDir, readOnly: true },
      { mountPath: PodPath.of(multusConfDir.path), volumeName: 'multus-conf-dir', hostPath: multusConfDir, readOnly: false },
    ]);
    const args = [
      '--multus-conf-file=auto',
      `--multus-autoconfig-dir=${mounts.toPod(layout.confDir)}`,
      `--cni-conf-dir=${mounts.toPod(layout.confDir)}`,
      `--multus-cni-conf-dir=${mounts.toPod(multusConfDir)}`,
      // Checked at start even when it copies nothing: without it the entrypoint exits.
      `--cni-bin-dir=${mounts.toPod(layout.binDir)}`,
      // install_multus has put the binary in place.
      '--skip-multus-binary-copy=true',
      // The plugins' dir, written into 00-multus.conf for the host-side binary.
      `--additional-bin-dir=${layout.binDir}`,
      `--multus-kubeconfig-file-host=${this.kubeconfigHostPath}`,
      ...(props.cniVersion !== undefined ? [`--cni-version=${props.cniVersion}`] : []),
      `--multus-log-level=${props.logLevel ?? MultusLogLevel.VERBOSE}`,
      '--cleanup-config-on-exit=true',
      ...(layout.primaryNetworkConfigFile ? [`--multus-master-cni-file-name=${layout.primaryNetworkConfigFile}`] : []),
      ...(layout.readinessIndicatorFile ? [`--readiness-indicator-file=${layout.readinessIndicatorFile}`] : []),
    ];
    const c = this.daemonSet.addContainer({
      name: 'kube-multus',
      image,
      imagePullPolicy: pullPolicy,
      command: [facts.MULTUS_THIN_ENTRYPOINT],
      args,
      securityContext: PRIVILEGED,
      resources: { cpu: { request: kplus.Cpu.millis(100) } },
    });
    for (const m of mounts.entries) {
      c.mount(m.mountPath.path, kplus.Volume.fromHostPath(this, `Volume-${m.volumeName}`, m.volumeName, {
        path: m.hostPath!.path, type: kplus.HostPathVolumeType.DIRECTORY_OR_CREATE,
      }), { readOnly: m.readOnly });
    }
    AppValidator.of(this).register(layout, this);
  }

  /** The plugins the installer copies: those the app's networks use that the node lacks, plus `extraPlugins`. */
  public pluginsToInstall(): string[] {
    const p = this.props;
    return pluginsForApp(this, this.paths, p.extraPlugins ?? [], p.replaceBundledPlugins ?? false, p.pluginsImage !== undefined);
  }
}
