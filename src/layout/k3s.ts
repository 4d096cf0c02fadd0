import * as facts from '../cni/facts';
import { HostPath } from '../paths';
import { ICniNodeLayout, uniqueSorted } from './layout';
import { PrimaryCni } from './primary-cni';

/**
 * Props for `K3sLayout` (and `K3sCniPaths`).
 */
export interface K3sLayoutProps {
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
 * The CNI layout of a k3s node, as a plain value: config in `<data dir>/agent/etc/cni/net.d`,
 * plugins in `<data dir>/data/cni` as absolute symlinks into `<data dir>/data/<hash>/bin`, and the
 * bundled plugin set (bandwidth, bridge, firewall, flannel, host-local, loopback, portmap; no
 * macvlan, ipvlan, static or dhcp). Releases before the fixed `data/cni` dir are the opt-in
 * `legacyVersionedBinDir`.
 */
export class K3sLayout implements ICniNodeLayout {
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

  public constructor(props: K3sLayoutProps = {}) {
    this.dataDir = HostPath.of(props.dataDir ?? facts.K3S_DEFAULT_DATA_DIR);
    if (this.dataDir.isSame(HostPath.ROOT)) {
      throw new Error(`K3sLayout: dataDir must be k3s's --data-dir, not "/"; the default is ${facts.K3S_DEFAULT_DATA_DIR}`);
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
          `K3sLayout: legacyVersionedBinDir is set, but primaryCni is "${this.primaryCni.name}": with ` +
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
  }
}
