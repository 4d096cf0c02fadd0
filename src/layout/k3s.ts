import * as facts from '../cni/facts';
import { pluginNameProblem } from '../cni/plugins';
import { HostPath } from '../paths';
import { CniNodeLayout, ICniNodeLayout, uniqueSorted } from './layout';
import { PrimaryCni, primaryNetworkFields } from './primary-cni';

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
export class K3sLayout extends CniNodeLayout {
  /** k3s's data dir. */
  public readonly dataDir: HostPath;
  /** The node's primary network. */
  public readonly primaryCni: PrimaryCni;

  public constructor(props: K3sLayoutProps = {}) {
    const dataDir = HostPath.of(props.dataDir ?? facts.K3S_DEFAULT_DATA_DIR, 'K3sLayout: dataDir');
    const primaryCni = props.primaryCni ?? PrimaryCni.k3sFlannel();
    super({ layoutName: 'k3s', ...k3sDirs(dataDir, primaryCni, props), ...primaryNetworkFields(primaryCni) });
    this.dataDir = dataDir;
    this.primaryCni = primaryCni;
  }
}

/** The dirs and plugins of a k3s node: its own with the embedded flannel, containerd's defaults without. */
function k3sDirs(dataDir: HostPath, primaryCni: PrimaryCni, props: K3sLayoutProps):
Pick<ICniNodeLayout, 'confDir' | 'binDir' | 'binDirMountRoot' | 'bundledPlugins' | 'primaryConfigManagedByDistribution'> {
  if (dataDir.isSame(HostPath.ROOT)) {
    throw new Error(`K3sLayout: dataDir must be k3s's --data-dir, not "/"; the default is ${facts.K3S_DEFAULT_DATA_DIR}`);
  }
  if (dataDir.isWithin(HostPath.of(facts.HOST_MOUNT_PREFIX))) {
    throw new Error(`K3sLayout: dataDir ${dataDir} starts with ${facts.HOST_MOUNT_PREFIX}, where the daemons' pods see the node's dirs; ` +
      `give k3s's --data-dir as the node sees it, such as ${dataDir.path.slice(facts.HOST_MOUNT_PREFIX.length)}`);
  }
  const extra = props.extraAvailablePlugins ?? [];
  for (const p of extra) {
    const problem = pluginNameProblem(p);
    if (problem) throw new Error(`K3sLayout: extraAvailablePlugins entry ${problem}`);
  }
  if (primaryCni._embedded) {
    return {
      confDir: dataDir.join(facts.K3S_CONF_DIR_UNDER_DATA),
      binDir: dataDir.join(props.legacyVersionedBinDir ? facts.K3S_LEGACY_BIN_DIR_UNDER_DATA : facts.K3S_BIN_DIR_UNDER_DATA),
      binDirMountRoot: dataDir.join(facts.K3S_SYMLINK_ROOT_UNDER_DATA),
      bundledPlugins: uniqueSorted([...facts.K3S_BUNDLED_PLUGINS, ...extra]),
      // k3s writes 10-flannel.conflist at every start.
      primaryConfigManagedByDistribution: true,
    };
  }
  if (props.legacyVersionedBinDir) {
    throw new Error(
      `K3sLayout: legacyVersionedBinDir is set, but primaryCni is "${primaryCni.name}": with ` +
      `--flannel-backend=none k3s sets no CNI dirs and containerd uses ${facts.STANDARD_BIN_DIR}; remove legacyVersionedBinDir`);
  }
  const binDir = HostPath.of(facts.STANDARD_BIN_DIR);
  return {
    confDir: HostPath.of(facts.STANDARD_CONF_DIR),
    binDir,
    binDirMountRoot: binDir,
    bundledPlugins: uniqueSorted([...primaryCni.plugins, ...extra]),
    primaryConfigManagedByDistribution: false,
  };
}
