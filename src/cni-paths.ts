import { Construct } from 'constructs';
import { AppValidator } from './_validator';
import * as facts from './cni/facts';
import { HostPath } from './paths';

/**
 * Where a node keeps its CNI configuration and plugins, and which primary network it runs.
 *
 * Everything here is a host path: what containerd, kubelet and the plugins they execute see.
 * Implementations: `K3sCniPaths` (the default everywhere) and `StandardCniPaths`.
 */
export interface ICniNodeLayout {
  /** A short name of the layout, used in messages (`k3s`, `standard`). */
  readonly layoutName: string;
  /** containerd's CNI `conf_dir`: where the primary network's config lives and `00-multus.conf` goes. */
  readonly confDir: HostPath;
  /** containerd's CNI `bin_dir`: the only dir containerd and Multus look up plugins in. */
  readonly binDir: HostPath;
  /**
   * The dir to mount, at the same path, so that the bin dir and the targets of any absolute
   * symlinks in it resolve inside a container (on k3s the whole `data` dir).
   */
  readonly binDirMountRoot: HostPath;
  /** The plugins present in the bin dir without any installer of this library. */
  readonly bundledPlugins: string[];
  /**
   * The file name, in `confDir`, of the primary network's config.
   * @default - unknown: the primary network is left to Multus's auto-detection
   */
  readonly primaryNetworkConfigFile?: string;
  /**
   * The primary network's name in that config.
   * @default - unknown
   */
  readonly primaryNetworkName?: string;
  /**
   * The cniVersion of the primary network's config.
   * @default - unknown
   */
  readonly primaryNetworkCniVersion?: string;
  /**
   * A file that exists once the primary network is ready, which Multus waits for.
   * @default - none: Multus does not wait
   */
  readonly readinessIndicatorFile?: HostPath;
  /**
   * Whether the distribution rewrites the primary network's config file itself (k3s does at every
   * start), so that no other program may edit it.
   */
  readonly primaryConfigManagedByDistribution: boolean;
}

/**
 * Options for a primary network that is not k3s's embedded flannel.
 */
export interface ExternalPrimaryCniOptions {
  /** The name of the CNI, for messages (for example `cilium` or `calico`). */
  readonly name: string;
  /**
   * The file name of its config in the node's CNI config dir (for example `05-cilium.conflist`).
   * @default - left to Multus's auto-detection (the first config file that is not Multus's own)
   */
  readonly configFileName?: string;
  /**
   * A host file that exists once that CNI is ready on the node.
   * @default - none: Multus starts without waiting for the primary network
   */
  readonly readinessIndicatorFile?: string;
  /**
   * The cniVersion of its config.
   * @default - unknown
   */
  readonly cniVersion?: string;
  /**
   * Plugins that CNI installs into the node's CNI bin dir itself (its own plugin, and for
   * example `host-local`, `portmap` or `bandwidth` where it ships them).
   * @default []
   */
  readonly plugins?: string[];
}

/**
 * The primary (cluster) network of a node: the CNI that gives every pod `eth0`.
 */
export class PrimaryCni {
  /**
   * k3s's embedded flannel: `10-flannel.conflist`, network `cbr0`, cniVersion 1.0.0, ready when
   * `/run/flannel/subnet.env` exists.
   */
  public static k3sFlannel(): PrimaryCni {
    return new PrimaryCni(
      'flannel', true, facts.K3S_FLANNEL_CONFIG_FILE, facts.K3S_FLANNEL_NETWORK_NAME,
      HostPath.of(facts.FLANNEL_SUBNET_ENV), [], facts.K3S_FLANNEL_CNI_VERSION,
    );
  }

  /**
   * A CNI the user runs in place of k3s's flannel (k3s started with `--flannel-backend=none`),
   * such as Cilium or Calico. containerd then uses its default CNI dirs.
   */
  public static external(options: ExternalPrimaryCniOptions): PrimaryCni {
    if (!options.name) throw new Error('PrimaryCni.external: name must be set (for example "cilium")');
    if (options.configFileName !== undefined && (options.configFileName.includes('/') || !/\.(conf|conflist|json)$/.test(options.configFileName))) {
      throw new Error(`PrimaryCni.external: configFileName must be a file name ending in .conf, .conflist or .json, got ${JSON.stringify(options.configFileName)}`);
    }
    if (options.cniVersion !== undefined && !/^\d+\.\d+\.\d+$/.test(options.cniVersion)) {
      throw new Error(`PrimaryCni.external: cniVersion must look like "0.3.1" or "1.0.0", got ${JSON.stringify(options.cniVersion)}`);
    }
    return new PrimaryCni(
      options.name, false, options.configFileName, undefined,
      options.readinessIndicatorFile === undefined ? undefined : HostPath.of(options.readinessIndicatorFile),
      [...(options.plugins ?? [])], options.cniVersion,
    );
  }

  /** The name of the CNI. */
  public readonly name: string;
  /** Its config file name in the CNI config dir, when known. */
  public readonly configFileName?: string;
  /** Its network name, when known. */
  public readonly networkName?: string;
  /** Its readiness file on the host, when it has one. */
  public readonly readinessIndicatorFile?: HostPath;
  /** The cniVersion of its config, when known. */
  public readonly cniVersion?: string;
  /** Plugins it installs into the CNI bin dir. */
  public readonly plugins: string[];
  /** @internal */
  public readonly _embedded: boolean;

  private constructor(
    name: string, embedded: boolean, configFileName: string | undefined, networkName: string | undefined,
    readinessIndicatorFile: HostPath | undefined, plugins: string[], cniVersion?: string,
  ) {
    this.cniVersion = cniVersion;
    this.name = name;
    this._embedded = embedded;
    this.configFileName = configFileName;
    this.networkName = networkName;
    this.readinessIndicatorFile = readinessIndicatorFile;
    this.plugins = plugins;
  }
}

/**
 * Props for `K3sCniPaths`.
 */
export interface K3sCniPathsProps {
  /**
   * k3s's `--data-dir`.
   * @default '/var/lib/rancher/k3s'
   */
  readonly dataDir?: string;

  /**
   * Use the versioned bin dir of k3s releases before the fixed `data/cni` dir
   * (`<data dir>/data/current/bin`; releases older than v1.28.15+k3s1, v1.29.10+k3s1,
   * v1.30.6+k3s1 and v1.31.2+k3s1). That dir changes on every k3s upgrade, so plugins installed
   * into it must be installed again after each upgrade; only for clusters that cannot upgrade.
   * @default false
   */
  readonly legacyVersionedBinDir?: boolean;

  /**
   * The node's primary network. With anything but k3s's flannel (`--flannel-backend=none`), k3s
   * sets no CNI paths and containerd uses `/etc/cni/net.d` and `/opt/cni/bin`.
   * @default PrimaryCni.k3sFlannel()
   */
  readonly primaryCni?: PrimaryCni;

  /**
   * Plugins that are present in the bin dir on every node by other means (installed by hand or by
   * another tool), in addition to what k3s and the primary CNI bring.
   * @default []
   */
  readonly extraAvailablePlugins?: string[];
}

/**
 * The CNI layout of a k3s node: config in `<data dir>/agent/etc/cni/net.d`,
 * plugins in `<data dir>/data/cni` as absolute symlinks into `<data dir>/data/<hash>/bin`, and the
 * bundled plugin set (bandwidth, bridge, firewall, flannel, host-local, loopback, portmap; no
 * macvlan, ipvlan, static or dhcp).
 *
 * A construct without output of its own: pass it to the constructs that deploy onto the node.
 */
export class K3sCniPaths extends Construct implements ICniNodeLayout {
  public readonly layoutName = 'k3s';
  /** k3s's data dir. */
  public readonly dataDir: HostPath;
  public readonly confDir: HostPath;
  public readonly binDir: HostPath;
  public readonly binDirMountRoot: HostPath;
  public readonly bundledPlugins: string[];
  public readonly primaryNetworkConfigFile?: string;
  public readonly primaryNetworkName?: string;
  public readonly primaryNetworkCniVersion?: string;
  public readonly readinessIndicatorFile?: HostPath;
  public readonly primaryConfigManagedByDistribution: boolean;
  /** The node's primary network. */
  public readonly primaryCni: PrimaryCni;

  public constructor(scope: Construct, id: string, props: K3sCniPathsProps = {}) {
    super(scope, id);
    this.dataDir = HostPath.of(props.dataDir ?? facts.K3S_DEFAULT_DATA_DIR);
    if (this.dataDir.isSame(HostPath.ROOT)) {
      throw new Error(`K3sCniPaths: dataDir must be k3s's --data-dir, not "/"; the default is ${facts.K3S_DEFAULT_DATA_DIR}`);
    }
    this.primaryCni = props.primaryCni ?? PrimaryCni.k3sFlannel();
    const extra = props.extraAvailablePlugins ?? [];
    if (this.primaryCni._embedded) {
      this.confDir = this.dataDir.join(facts.K3S_CONF_DIR_UNDER_DATA);
      this.binDir = this.dataDir.join(props.legacyVersionedBinDir ? facts.K3S_LEGACY_BIN_DIR_UNDER_DATA : facts.K3S_BIN_DIR_UNDER_DATA);
      this.binDirMountRoot = this.dataDir.join(facts.K3S_SYMLINK_ROOT_UNDER_DATA);
      this.bundledPlugins = uniqueSorted([...facts.K3S_BUNDLED_PLUGINS, ...extra]);
      // k3s writes 10-flannel.conflist at every start.
      this.primaryConfigManagedByDistribution = true;
    } else {
      if (props.legacyVersionedBinDir) {
        throw new Error(
          `K3sCniPaths: legacyVersionedBinDir is set, but primaryCni is "${this.primaryCni.name}": with ` +
          `--flannel-backend=none k3s sets no CNI dirs and containerd uses ${facts.STANDARD_BIN_DIR}; remove legacyVersionedBinDir`);
      }
      this.confDir = HostPath.of(facts.STANDARD_CONF_DIR);
      this.binDir = HostPath.of(facts.STANDARD_BIN_DIR);
      this.binDirMountRoot = this.binDir;
      this.bundledPlugins = uniqueSorted([...this.primaryCni.plugins, ...extra]);
      this.primaryConfigManagedByDistribution = false;
    }
    this.primaryNetworkConfigFile = this.primaryCni.configFileName;
    this.primaryNetworkName = this.primaryCni.networkName;
    this.primaryNetworkCniVersion = this.primaryCni.cniVersion;
    this.readinessIndicatorFile = this.primaryCni.readinessIndicatorFile;
    AppValidator.of(this).register(this);
  }
}

/**
 * Props for `StandardCniPaths`.
 */
export interface StandardCniPathsProps {
  /**
   * containerd's CNI config dir.
   * @default '/etc/cni/net.d'
   */
  readonly confDir?: string;
  /**
   * containerd's CNI bin dir.
   * @default '/opt/cni/bin'
   */
  readonly binDir?: string;
  /**
   * The primary network.
   * @default - unknown: Multus auto-detects it and does not wait for it
   */
  readonly primaryCni?: PrimaryCni;
  /**
   * Plugins present in the bin dir on every node without this library's installer.
   * @default - only the primary CNI's plugins
   */
  readonly availablePlugins?: string[];
}

/**
 * The layout that upstream manifests assume and that rke2 and kubeadm-style clusters use:
 * `/etc/cni/net.d` and `/opt/cni/bin`.
 */
export class StandardCniPaths extends Construct implements ICniNodeLayout {
  public readonly layoutName = 'standard';
  public readonly confDir: HostPath;
  public readonly binDir: HostPath;
  public readonly binDirMountRoot: HostPath;
  public readonly bundledPlugins: string[];
  public readonly primaryNetworkConfigFile?: string;
  public readonly primaryNetworkName?: string;
  public readonly primaryNetworkCniVersion?: string;
  public readonly readinessIndicatorFile?: HostPath;
  public readonly primaryConfigManagedByDistribution = false;

  public constructor(scope: Construct, id: string, props: StandardCniPathsProps = {}) {
    super(scope, id);
    this.confDir = HostPath.of(props.confDir ?? facts.STANDARD_CONF_DIR);
    this.binDir = HostPath.of(props.binDir ?? facts.STANDARD_BIN_DIR);
    this.binDirMountRoot = this.binDir;
    this.bundledPlugins = uniqueSorted([...(props.primaryCni?.plugins ?? []), ...(props.availablePlugins ?? [])]);
    this.primaryNetworkConfigFile = props.primaryCni?.configFileName;
    this.primaryNetworkName = props.primaryCni?.networkName;
    this.primaryNetworkCniVersion = props.primaryCni?.cniVersion;
    this.readinessIndicatorFile = props.primaryCni?.readinessIndicatorFile;
    AppValidator.of(this).register(this);
  }
}

function uniqueSorted(values: readonly string[]): string[] {
  return [...new Set(values)].sort();
}
