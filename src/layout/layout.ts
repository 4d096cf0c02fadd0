import { HostPath } from '../paths';

/**
 * Where a node keeps its CNI configuration and plugins, and which primary network it runs.
 *
 * Everything here is a host path: what containerd, kubelet and the plugins they execute see.
 * Implementations: `K3sLayout` (the default everywhere) and `StandardLayout`, plain values usable
 * without an app; `K3sCniPaths` and `StandardCniPaths` are the same as constructs.
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
   * The capabilities the primary network's config declares enabled (such as `portMappings`),
   * which Multus copies into its own config so that containerd passes that runtime config.
   * @default - unknown
   */
  readonly primaryNetworkCapabilities?: string[];
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
 * What a layout says about the node, as one string: two layouts with the same key judge alike.
 * Every field of `ICniNodeLayout` is listed here, beside the interface, so that a new field is
 * added in one folder.
 */
export function layoutKey(l: ICniNodeLayout): string {
  return JSON.stringify([l.layoutName, l.confDir.path, l.binDir.path, l.binDirMountRoot.path, [...l.bundledPlugins].sort(),
    l.primaryNetworkConfigFile, l.primaryNetworkName, l.primaryNetworkCniVersion, l.primaryNetworkCapabilities, l.readinessIndicatorFile?.path,
    l.primaryConfigManagedByDistribution]);
}

/**
 * A node layout with every field set once. `K3sLayout` and `StandardLayout` compute their fields
 * from their props; a layout of another distribution extends this class the same way.
 */
export abstract class CniNodeLayout implements ICniNodeLayout {
  public readonly layoutName: string;
  public readonly confDir: HostPath;
  public readonly binDir: HostPath;
  public readonly binDirMountRoot: HostPath;
  public readonly bundledPlugins: string[];
  public readonly primaryNetworkConfigFile?: string;
  public readonly primaryNetworkName?: string;
  public readonly primaryNetworkCniVersion?: string;
  public readonly primaryNetworkCapabilities?: string[];
  public readonly readinessIndicatorFile?: HostPath;
  public readonly primaryConfigManagedByDistribution: boolean;

  protected constructor(fields: ICniNodeLayout) {
    this.layoutName = fields.layoutName;
    this.confDir = fields.confDir;
    this.binDir = fields.binDir;
    this.binDirMountRoot = fields.binDirMountRoot;
    this.bundledPlugins = [...fields.bundledPlugins];
    this.primaryNetworkConfigFile = fields.primaryNetworkConfigFile;
    this.primaryNetworkName = fields.primaryNetworkName;
    this.primaryNetworkCniVersion = fields.primaryNetworkCniVersion;
    this.primaryNetworkCapabilities = fields.primaryNetworkCapabilities && [...fields.primaryNetworkCapabilities];
    this.readinessIndicatorFile = fields.readinessIndicatorFile;
    this.primaryConfigManagedByDistribution = fields.primaryConfigManagedByDistribution;
  }
}

/** Names listed once each, sorted. */
export function uniqueSorted(values: readonly string[]): string[] {
  return [...new Set(values)].sort();
}
