import * as facts from '../cni/facts';
import { HostPath } from '../paths';
import { ICniNodeLayout, uniqueSorted } from './layout';
import { PrimaryCni } from './primary-cni';

/**
 * Props for `StandardLayout` (and `StandardCniPaths`).
 */
export interface StandardLayoutProps {
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
 * The layout that upstream manifests assume and that rke2 and kubeadm-style clusters use, as a
 * plain value: `/etc/cni/net.d` and `/opt/cni/bin`.
 */
export class StandardLayout implements ICniNodeLayout {
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

  public constructor(props: StandardLayoutProps = {}) {
    this.confDir = HostPath.of(props.confDir ?? facts.STANDARD_CONF_DIR);
    this.binDir = HostPath.of(props.binDir ?? facts.STANDARD_BIN_DIR);
    this.binDirMountRoot = this.binDir;
    this.bundledPlugins = uniqueSorted([...(props.primaryCni?.plugins ?? []), ...(props.availablePlugins ?? [])]);
    this.primaryNetworkConfigFile = props.primaryCni?.configFileName;
    this.primaryNetworkName = props.primaryCni?.networkName;
    this.primaryNetworkCniVersion = props.primaryCni?.cniVersion;
    this.readinessIndicatorFile = props.primaryCni?.readinessIndicatorFile;
  }
}
