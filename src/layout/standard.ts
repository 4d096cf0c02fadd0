import * as facts from '../cni/facts';
import { pluginNameProblem } from '../cni/plugins';
import { HostPath } from '../paths';
import { CniNodeLayout, uniqueSorted } from './layout';
import { PrimaryCni, primaryNetworkFields } from './primary-cni';

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
export class StandardLayout extends CniNodeLayout {
  public constructor(props: StandardLayoutProps = {}) {
    const binDir = HostPath.of(props.binDir ?? facts.STANDARD_BIN_DIR, 'StandardLayout: binDir');
    for (const p of props.availablePlugins ?? []) {
      const problem = pluginNameProblem(p);
      if (problem) throw new Error(`StandardLayout: availablePlugins entry ${problem}`);
    }
    super({
      layoutName: 'standard',
      confDir: HostPath.of(props.confDir ?? facts.STANDARD_CONF_DIR, 'StandardLayout: confDir'),
      binDir,
      binDirMountRoot: binDir,
      bundledPlugins: uniqueSorted([...(props.primaryCni?.plugins ?? []), ...(props.availablePlugins ?? [])]),
      ...primaryNetworkFields(props.primaryCni),
      primaryConfigManagedByDistribution: false,
    });
  }
}
