import { ApiObject, Duration, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { addInstallers, pluginsForApp } from './_installers';
import { PRIVILEGED, pinnedImage, scheduleOnNodes, nodeDaemonSet } from './_pod';
import { AppValidator } from './_validator';
import { daemonConfigHostPaths } from './cni/daemon-config';
import * as facts from './cni/facts';
import { CONFIG_INSTALLER_ENV_SOURCE, CONFIG_INSTALLER_ENV_TARGET, CONFIG_INSTALLER_SCRIPT } from './cni/installer';
import { pluginNameProblem } from './cni/plugins';
import { generatedShimConfig } from './cni/shim-config';
import { cniVersionProblem } from './cni/versions';
import { NAD_CRD } from './imports/crds';
import { ICniNodeLayout } from './layout/layout';
import { MountTable } from './mount-table';
import { MultusConfigLifetime } from './multus-config-lifetime';
import { MultusLogLevel } from './multus-log-level';
import { NODE_DAEMON_NAMESPACE, NodeDaemonProps, nodeLayout } from './node-daemon';
import { HostPath, PodPath } from './paths';

/**
 * Per-node client certificates for the daemon, in place of its ServiceAccount token
 * (Multus `perNodeCertificate`): a compromised node then holds a credential of its own.
 *
 * The daemon requests a certificate for `CN=system:multus:<node>, O=system:multus` with the
 * `kubernetes.io/kube-apiserver-client` signer, and waits up to two minutes for it. Someone must
 * approve those CertificateSigningRequests: Multus ships a `cert-approver` in its thick image but
 * no manifest for it, and this library does not deploy one yet. The ClusterRole is bound to the
 * group `system:multus` as well as to the ServiceAccount.
 */
export interface PerNodeCertificateOptions {
  /**
   * A kubeconfig on the host that may create CertificateSigningRequests, used once to bootstrap
   * the node's certificate; on k3s the kubelet's, `<data dir>/agent/kubelet.kubeconfig`.
   */
  readonly bootstrapKubeconfig: string;
  /**
   * A host dir where the daemon keeps the node's certificate between restarts.
   * @default '/var/lib/multus/certs'
   */
  readonly certDir?: string;
  /**
   * How long each certificate is valid.
   * @default Duration.minutes(10)
   */
  readonly certDuration?: Duration;
}

/**
 * Props for `MultusThick`.
 */
export interface MultusThickProps extends NodeDaemonProps {
  /**
   * The base name of the objects: ServiceAccount, ClusterRole and binding `<name>`, ConfigMap
   * `<name>-daemon-config`, DaemonSet `kube-<name>-ds`.
   * @default 'multus'
   */
  readonly name?: string;
  /**
   * The Multus thick image, for the daemon and the shim installer. Pin a release tag or a digest;
   * moving tags (`latest`, `snapshot*`, `stable*`) are refused. Point it at a private registry
   * for air-gapped nodes.
   * @default 'ghcr.io/k8snetworkplumbingwg/multus-cni:v4.3.0-thick'
   */
  readonly image?: string;
  /**
   * The image the reference CNI plugins are installed from; it must carry them in
   * `pluginsSourceDir` and have a POSIX shell.
   * @default 'rancher/hardened-cni-plugins:v1.9.1-build20260819'
   */
  readonly pluginsImage?: string;
  /**
   * Where `pluginsImage` keeps the plugins.
   * @default '/opt/cni/bin'
   */
  readonly pluginsSourceDir?: string;
  /**
   * Image pull policy of every container.
   * @default kplus.ImagePullPolicy.IF_NOT_PRESENT
   */
  readonly imagePullPolicy?: kplus.ImagePullPolicy;
  /**
   * Plugins to install in addition to those the app's NetworkAttachmentDefinitions use.
   * @default []
   */
  readonly extraPlugins?: string[];
  /**
   * Replace plugins the node bundles (k3s's host-local, bridge, ...) with the plugins image's
   * when a network uses them. The default keeps the distribution's own binaries.
   * @default false
   */
  readonly replaceBundledPlugins?: boolean;
  /**
   * The daemon's log level.
   * @default MultusLogLevel.VERBOSE
   */
  readonly logLevel?: MultusLogLevel;
  /**
   * A host file to log to, in addition to stderr. The daemon and multus-shim (on the host) both
   * write it, so its dir is mounted at the same path.
   * @default - logs go to stderr only
   */
  readonly logFile?: string;
  /**
   * Whether the daemon logs to stderr (`kubectl logs`).
   * @default true
   */
  readonly logToStderr?: boolean;
  /**
   * The cniVersion of the generated `00-multus.conf`.
   * @default '0.3.1'
   */
  readonly cniVersion?: string;
  /**
   * Who writes `00-multus.conf`, and so whether it stays while the daemon is down.
   *
   * `DAEMON`: the daemon generates it at start and deletes it at every graceful stop, so pods
   * created during a rollout, restart or upgrade start on the primary network alone, silently;
   * removing the DaemonSet cleans the node. `PERSISTENT`: the library ships the same content in
   * the ConfigMap and an init container writes it; it stays across restarts and upgrades, so the
   * ADD of a pod created meanwhile waits up to 60 s for the daemon, then fails and is retried until
   * the daemon is back, and it stays after
   * the DaemonSet is removed until it is deleted from each node (see the README). Needs a layout
   * whose primary network's config file and capabilities are known (k3s's flannel is).
   * @default MultusConfigLifetime.DAEMON
   */
  readonly configLifetime?: MultusConfigLifetime;
  /**
   * Restrict pods to NetworkAttachmentDefinitions of their own namespace (and `globalNamespaces`).
   * @default false
   */
  readonly namespaceIsolation?: boolean;
  /**
   * With `namespaceIsolation`, namespaces whose NetworkAttachmentDefinitions every pod may use.
   * @default - Multus's default ('default')
   */
  readonly globalNamespaces?: string[];
  /**
   * Per-node client certificates instead of the ServiceAccount token.
   * @default - the daemon uses its ServiceAccount
   */
  readonly perNodeCertificate?: PerNodeCertificateOptions;
  /**
   * Port of the daemon's Prometheus metrics on the node (hostNetwork).
   * @default - no metrics endpoint
   */
  readonly metricsPort?: number;
  /**
   * Tolerate every taint, so that every node gets secondary networks (the daemon is node-critical).
   * @default true
   */
  readonly tolerateAllTaints?: boolean;
  /**
   * Further tolerations, when `tolerateAllTaints` is false.
   * @default []
   */
  readonly tolerations?: kplus.NodeTaintQuery[];
  /**
   * Resources of the daemon container.
   * @default - requests cpu 100m and memory 64Mi; memory limit 256Mi; no CPU limit, so the daemon is never throttled in the path of pod start-up
   */
  readonly resources?: kplus.ContainerResources;
  /**
   * Emit the NetworkAttachmentDefinition CRD. Turn off when another chart owns it.
   * @default true
   */
  readonly installCrd?: boolean;
}

/** One mount of the daemon or an installer: the single source of volumes and pod paths. */
interface PlannedMount {
  readonly volume: string;
  readonly host: HostPath;
  readonly pod: PodPath;
  readonly readOnly?: boolean;
  readonly propagation?: kplus.MountPropagation;
  readonly type?: kplus.HostPathVolumeType;
}

const PER_NODE_GROUP = 'system:multus';
/** Where the daemon sees host state that it reads or manages, as upstream's manifest does. */
const HOST_PREFIX = PodPath.of(facts.HOST_MOUNT_PREFIX);

/**
 * The Multus thick plugin on the nodes of one CNI layout (k3s by default): the
 * NetworkAttachmentDefinition CRD, RBAC for what the daemon does, its `daemon-config.json`, and
 * the DaemonSet with init containers that install `multus-shim`, `passthru` and the reference
 * plugins the app's networks use into the node's real bin dir.
 *
 * Every path in the daemon's config is derived from the layout through the daemon container's
 * mount table, and the whole app is checked by `MultusRules` when it is synthesized.
 */
export class MultusThick extends Construct {
  /** The node layout the daemon is configured for. */
  public readonly paths: ICniNodeLayout;
  /** The NetworkAttachmentDefinition CRD, unless `installCrd` is false. */
  public readonly crd?: ApiObject;
  /** The daemon's ServiceAccount. */
  public readonly serviceAccount: kplus.ServiceAccount;
  /** What the daemon may do in the API. */
  public readonly clusterRole: kplus.ClusterRole;
  /** Binds the role to the ServiceAccount. */
  public readonly clusterRoleBinding: kplus.ClusterRoleBinding;
  /** Holds `daemon-config.json`. */
  public readonly configMap: kplus.ConfigMap;
  /** The daemon. */
  public readonly daemonSet: kplus.DaemonSet;
  /** The daemon configuration, as written into the ConfigMap. */
  public readonly daemonConfig: { [key: string]: any };
  /** The daemon container's mount table, from which every pod path in the config derives. */
  public readonly daemonMounts: MountTable;
  /** Who writes `00-multus.conf`. */
  public readonly configLifetime: MultusConfigLifetime;
  /**
   * With `MultusConfigLifetime.PERSISTENT`, the `00-multus.conf` the library writes on each node,
   * byte for byte what the daemon would generate.
   */
  public readonly multusConfig?: string;

  private readonly extraPlugins: string[];
  private readonly replaceBundled: boolean;
  private readonly pluginsCustom: boolean;

  public constructor(scope: Construct, id: string, props: MultusThickProps = {}) {
    super(scope, id);
    const namespace = props.namespace ?? NODE_DAEMON_NAMESPACE;
    const name = props.name ?? 'multus';
    const image = pinnedImage('MultusThick', 'image', props.image ?? facts.MULTUS_THICK_IMAGE);
    const pluginsImage = pinnedImage('MultusThick', 'pluginsImage', props.pluginsImage ?? facts.REFERENCE_PLUGINS_IMAGE);
    this.pluginsCustom = props.pluginsImage !== undefined;
    this.paths = nodeLayout(this, props);
    this.extraPlugins = [...(props.extraPlugins ?? [])];
    this.replaceBundled = props.replaceBundledPlugins ?? false;
    this.configLifetime = props.configLifetime ?? MultusConfigLifetime.DAEMON;
    checkProps(props, this.pluginsCustom);
    const persistent = this.configLifetime === MultusConfigLifetime.PERSISTENT;
    if (persistent) checkPersistentLayout(this.paths);

    const labels = { app: name, name: name, tier: 'node' };
    const metadata = (n: string, namespaced = true) => ({ name: n, namespace: namespaced ? namespace : undefined, labels });

    if (props.installCrd ?? true) {
      this.crd = new ApiObject(this, 'Crd', { ...NAD_CRD, metadata: { ...NAD_CRD.metadata, labels } });
    }

    this.serviceAccount = new kplus.ServiceAccount(this, 'ServiceAccount', { metadata: metadata(name), automountToken: true });
    this.clusterRole = new kplus.ClusterRole(this, 'ClusterRole', { metadata: metadata(name, false) });
    // What the daemon does (multus pkg/server): NAD and pod informers, pod get, network-status
    // through pods/status update, events. Narrower than upstream's `*` on the NAD group and
    // `update` on pods and events.
    this.clusterRole.allow(['list', 'watch'], kplus.ApiResource.custom({ apiGroup: facts.NAD_GROUP, resourceType: 'network-attachment-definitions' }));
    this.clusterRole.allow(['get', 'list', 'watch'], kplus.ApiResource.PODS);
    this.clusterRole.allow(['update'], kplus.ApiResource.custom({ apiGroup: '', resourceType: 'pods/status' }));
    this.clusterRole.allow(['create', 'patch'], kplus.ApiResource.EVENTS,
      kplus.ApiResource.custom({ apiGroup: 'events.k8s.io', resourceType: 'events' }));
    this.clusterRoleBinding = new kplus.ClusterRoleBinding(this, 'ClusterRoleBinding', { metadata: metadata(name, false), role: this.clusterRole });
    this.clusterRoleBinding.addSubjects(this.serviceAccount);
    if (props.perNodeCertificate) {
      // With per-node certificates the daemon authenticates as CN=system:multus:<node>,
      // O=system:multus (multus pkg/k8sclient/kubeconfig.go).
      this.clusterRoleBinding.addSubjects(kplus.Group.fromName(this, 'PerNodeGroup', PER_NODE_GROUP));
    }

    // The daemon's mounts. Host state the daemon only reads or manages appears under /host;
    // what must be the same path on both sides (bin dir, netns, caches) is mounted at that path.
    const same = (volume: string, host: HostPath, extra: Partial<PlannedMount> = {}): PlannedMount =>
      ({ volume, host, pod: PodPath.of(host.path), ...extra });
    const underHost = (volume: string, host: HostPath, extra: Partial<PlannedMount> = {}): PlannedMount =>
      ({ volume, host, pod: HOST_PREFIX.join(host.path.slice(1)), ...extra });
    const layout = this.paths;
    const plan: PlannedMount[] = [
      underHost('cni-conf', layout.confDir, { type: kplus.HostPathVolumeType.DIRECTORY_OR_CREATE }),
      same('cni-bin', layout.binDirMountRoot, { readOnly: true }),
      underHost('host-run', HostPath.of('/run')),
      same('host-run-netns', HostPath.of('/run/netns'), { propagation: kplus.MountPropagation.HOST_TO_CONTAINER, type: kplus.HostPathVolumeType.DIRECTORY_OR_CREATE }),
      same('host-run-k8s-cni-cncf-io', HostPath.of('/run/k8s.cni.cncf.io'), { type: kplus.HostPathVolumeType.DIRECTORY_OR_CREATE }),
      same('host-var-lib-cni-multus', HostPath.of(facts.MULTUS_DEFAULT_CNI_DIR), { type: kplus.HostPathVolumeType.DIRECTORY_OR_CREATE }),
      same('host-var-lib-kubelet', HostPath.of('/var/lib/kubelet'), { propagation: kplus.MountPropagation.HOST_TO_CONTAINER }),
      same('multus-conf-dir', HostPath.of(facts.MULTUS_DEFAULT_CONF_DIR), { type: kplus.HostPathVolumeType.DIRECTORY_OR_CREATE }),
      { volume: 'hostroot', host: HostPath.ROOT, pod: PodPath.of('/hostroot'), propagation: kplus.MountPropagation.HOST_TO_CONTAINER },
    ];
    const logFile = props.logFile === undefined ? undefined : HostPath.of(props.logFile, 'MultusThick: logFile');
    if (logFile) plan.push(same('multus-log', logFile.parent, { type: kplus.HostPathVolumeType.DIRECTORY_OR_CREATE }));
    const cert = props.perNodeCertificate;
    const bootstrap = cert && HostPath.of(cert.bootstrapKubeconfig, 'MultusThick: perNodeCertificate.bootstrapKubeconfig');
    const certDir = cert && HostPath.of(cert.certDir ?? '/var/lib/multus/certs', 'MultusThick: perNodeCertificate.certDir');
    if (bootstrap && certDir) {
      plan.push(underHost('multus-bootstrap-kubeconfig', bootstrap, { readOnly: true, type: kplus.HostPathVolumeType.FILE }));
      plan.push(underHost('multus-certs', certDir, { type: kplus.HostPathVolumeType.DIRECTORY_OR_CREATE }));
    }
    const configMount = PodPath.of(facts.MULTUS_DAEMON_CONFIG_PATH).parent;
    this.daemonMounts = MountTable.of(plan.map((m) => ({ mountPath: m.pod, volumeName: m.volume, hostPath: m.host, readOnly: m.readOnly ?? false })));
    const pod = (host: HostPath): string => {
      const p = this.daemonMounts.toPod(host);
      if (!p) throw new Error(`internal: ${host} is not mounted in the daemon`);
      return p.path;
    };

    // daemon-config.json: every path is the daemon container's view of a layout path.
    const hostPaths = daemonConfigHostPaths(layout);
    const at = (key: string) => (hostPaths[key] ? { [key]: pod(hostPaths[key]) } : {});
    const config: { [key: string]: any } = {
      cniVersion: props.cniVersion ?? '0.3.1',
      ...at('chrootDir'),
      logLevel: props.logLevel ?? MultusLogLevel.VERBOSE,
      logToStderr: props.logToStderr ?? true,
      ...(logFile ? { logFile: pod(logFile) } : {}),
      // With a persistent config the daemon's own copy goes to a scratch dir of its pod, where
      // deleting it at every stop is harmless.
      ...(persistent ? { cniConfigDir: SCRATCH_CONF_DIR } : at('cniConfigDir')),
      ...at('multusAutoconfigDir'),
      multusConfigFile: 'auto',
      ...(layout.primaryNetworkConfigFile ? { multusMasterCNI: layout.primaryNetworkConfigFile } : {}),
      ...at('readinessindicatorfile'),
      binDir: pod(layout.binDir),
      ...at('cniDir'),
      ...at('confDir'),
      // A dedicated dir below the /run mount: the daemon deletes and recreates it at start.
      ...at('socketDir'),
      ...(props.namespaceIsolation ? { namespaceIsolation: true } : {}),
      ...(props.globalNamespaces ? { globalNamespaces: props.globalNamespaces.join(',') } : {}),
      ...(props.metricsPort !== undefined ? { metricsPort: props.metricsPort } : {}),
      ...(bootstrap && certDir ? {
        perNodeCertificate: {
          enabled: true,
          bootstrapKubeconfig: pod(bootstrap),
          certDir: pod(certDir),
          certDuration: `${(cert!.certDuration ?? Duration.minutes(10)).toSeconds()}s`,
        },
      } : {}),
    };
    this.daemonConfig = config;
    if (persistent) {
      this.multusConfig = generatedShimConfig(config, {
        configFile: layout.primaryNetworkConfigFile!,
        capabilities: layout.primaryNetworkCapabilities!,
      });
    }
    this.configMap = new kplus.ConfigMap(this, 'DaemonConfig', {
      metadata: metadata(`${name}-daemon-config`),
      data: {
        [facts.MULTUS_DAEMON_CONFIG_KEY]: JSON.stringify(config, undefined, 2),
        ...(this.multusConfig ? { [facts.MULTUS_CONFIG_FILE]: this.multusConfig } : {}),
      },
    });

    // The same selector as MultusThin's: switching flavours is a rolling update, not a delete.
    this.daemonSet = nodeDaemonSet(this, 'DaemonSet', {
      metadata: metadata(`kube-${name}-ds`),
      podMetadata: { labels },
      serviceAccount: this.serviceAccount,
      automountServiceAccountToken: true,
      hostNetwork: true,
      securityContext: { ensureNonRoot: false },
      terminationGracePeriod: Duration.seconds(30),
      isolate: false,
    }, { app: name });
    scheduleOnNodes(this.daemonSet, props.nodeSelector, props.tolerateAllTaints ?? true);
    for (const t of props.tolerations ?? []) this.daemonSet.scheduling.tolerate(kplus.Node.tainted(t));

    const volumes = new Map<string, kplus.Volume>();
    const volumeOf = (m: PlannedMount) => {
      let v = volumes.get(m.volume);
      if (!v) {
        v = kplus.Volume.fromHostPath(this, `Volume-${m.volume}`, m.volume, { path: m.host.path, type: m.type });
        volumes.set(m.volume, v);
      }
      return v;
    };
    const pullPolicy = props.imagePullPolicy ?? kplus.ImagePullPolicy.IF_NOT_PRESENT;
    const binVolume = addInstallers(this, this.daemonSet, {
      layout,
      image,
      flavour: 'thick',
      pluginsImage,
      pluginsSourceDir: props.pluginsSourceDir ?? facts.REFERENCE_PLUGINS_DIR,
      pullPolicy,
      replaceBundled: this.replaceBundled,
      plugins: () => this.pluginsToInstall(),
    });
    volumes.set('cni-bin', binVolume);
    const configVolume = kplus.Volume.fromConfigMap(this, 'Volume-daemon-config', this.configMap, {
      name: 'multus-daemon-config',
      items: Object.fromEntries(Object.keys(this.configMap.data).map((k) => [k, { path: k }])),
    });
    if (persistent) {
      // Last of the installers: the shim is in the bin dir before containerd can pick the config.
      const confMount = plan.find((m) => m.volume === 'cni-conf')!;
      this.daemonSet.addInitContainer({
        name: 'install-multus-config',
        image: pluginsImage,
        imagePullPolicy: pullPolicy,
        command: ['/bin/sh', '-c', CONFIG_INSTALLER_SCRIPT],
        envVariables: {
          [CONFIG_INSTALLER_ENV_SOURCE]: kplus.EnvValue.fromValue(configMount.join(facts.MULTUS_CONFIG_FILE).path),
          [CONFIG_INSTALLER_ENV_TARGET]: kplus.EnvValue.fromValue(confMount.pod.path),
        },
        securityContext: PRIVILEGED,
        resources: { cpu: { request: kplus.Cpu.millis(10) }, memory: { request: Size.mebibytes(15) } },
        volumeMounts: [
          { path: confMount.pod.path, volume: volumeOf(confMount) },
          { path: configMount.path, volume: configVolume, readOnly: true },
        ],
      });
    }

    const daemon = this.daemonSet.addContainer({
      name: 'kube-multus',
      image,
      imagePullPolicy: pullPolicy,
      command: [facts.MULTUS_DAEMON],
      envVariables: { MULTUS_NODE_NAME: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.NODE_NAME) },
      securityContext: PRIVILEGED,
      resources: props.resources ?? {
        cpu: { request: kplus.Cpu.millis(100) },
        memory: { request: Size.mebibytes(64), limit: Size.mebibytes(256) },
      },
    });
    for (const m of plan) {
      daemon.mount(m.pod.path, volumeOf(m), { readOnly: m.readOnly, propagation: m.propagation });
    }
    daemon.mount(configMount.path, configVolume, { readOnly: true });
    if (persistent) daemon.mount(SCRATCH_CONF_DIR, kplus.Volume.fromEmptyDir(this, 'Volume-generated-config', 'multus-generated-config'));

    // cdk8s-plus-27 has no hostPID or priorityClassName: patch the L1, with its TypeScript keys.
    const l1 = ApiObject.of(this.daemonSet);
    l1.addJsonPatch(JsonPatch.add('/spec/template/spec/hostPid', true));
    l1.addJsonPatch(JsonPatch.add('/spec/template/spec/priorityClassName', 'system-node-critical'));

    AppValidator.of(this).register(this.paths, this);
  }

  /**
   * The plugins the installer copies: every plugin type the app's NetworkAttachmentDefinitions
   * use that the node does not bundle, plus `extraPlugins`. Resolved when the app is synthesized.
   */
  public pluginsToInstall(): string[] {
    return pluginsForApp(this, this.paths, this.extraPlugins, this.replaceBundled, this.pluginsCustom);
  }
}

/** Where the daemon writes (and deletes) its own copy of 00-multus.conf with a persistent config: an emptyDir. */
const SCRATCH_CONF_DIR = '/tmp/multus-generated';

function checkPersistentLayout(layout: ICniNodeLayout): void {
  if (!layout.primaryNetworkConfigFile || !layout.primaryNetworkCapabilities) {
    throw new Error(`MultusThick: configLifetime PERSISTENT writes 00-multus.conf as the daemon would generate it, which names the primary network's config file and copies its capabilities, but the ${layout.layoutName} layout does not know ${!layout.primaryNetworkConfigFile ? 'the file' : 'the capabilities'}; `
      + 'set primaryCni: PrimaryCni.external({ name, configFileName, capabilities }) on the layout, or use MultusConfigLifetime.DAEMON');
  }
}

function checkProps(props: MultusThickProps, pluginsCustom: boolean): void {
  if (props.cniVersion !== undefined && cniVersionProblem(props.cniVersion)) {
    throw new Error(`MultusThick: ${cniVersionProblem(props.cniVersion)}`);
  }
  if (props.globalNamespaces && !props.namespaceIsolation) {
    throw new Error('MultusThick: globalNamespaces only has an effect with namespaceIsolation: true; set it or remove globalNamespaces');
  }
  if (props.metricsPort !== undefined && (!Number.isInteger(props.metricsPort) || props.metricsPort < 1 || props.metricsPort > 65535)) {
    throw new Error(`MultusThick: metricsPort must be a port number 1-65535, got ${props.metricsPort}`);
  }
  if (props.tolerations?.length && (props.tolerateAllTaints ?? true)) {
    throw new Error('MultusThick: tolerations are redundant while tolerateAllTaints is true (the default); set tolerateAllTaints: false to use them');
  }
  for (const p of props.extraPlugins ?? []) {
    const nameProblem = pluginNameProblem(p);
    if (nameProblem) throw new Error(`MultusThick: extraPlugins entry ${nameProblem}`);
    if (!pluginsCustom && !facts.REFERENCE_PLUGINS.includes(p)) {
      throw new Error(`MultusThick: extraPlugins entry "${p}" is not in ${facts.REFERENCE_PLUGINS_IMAGE}, which carries ${facts.REFERENCE_PLUGINS.join(', ')}; use pluginsImage for an image that has it`);
    }
  }
  if (props.logFile !== undefined && HostPath.of(props.logFile, 'MultusThick: logFile').parent.isSame(HostPath.ROOT)) {
    throw new Error(`MultusThick: logFile ${props.logFile} lies directly in "/"; put it in a dir of its own such as /var/log/multus/multus.log`);
  }
}
