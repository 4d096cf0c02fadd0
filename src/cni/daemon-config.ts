import { HostPath } from '../paths';
import * as facts from './facts';

/** What a node layout says that daemon-config.json's paths must mean. */
export interface DaemonConfigLayout {
  readonly confDir: HostPath;
  readonly readinessIndicatorFile?: HostPath;
}

/**
 * One pod-space field of daemon-config.json that names host state (multus pkg/server/config).
 * MultusThick writes each as the daemon container's view of `hostDir`; the rules judge a manifest's
 * value against the same entry.
 */
export interface DaemonConfigPathField {
  readonly key: string;
  /** The daemon's own default when the field is absent, a pod path. */
  readonly daemonDefault?: string;
  /**
   * The host path the field must mean on a node of `layout`, when the layout decides it (the
   * config dir, the readiness file, the host root); undefined when any dedicated dir will do.
   */
  readonly layoutDir: (layout: DaemonConfigLayout) => HostPath | undefined;
  /** The host dir this library mounts for it where the layout does not decide. */
  readonly chosenDir?: HostPath;
}

export const DAEMON_CONFIG_PATH_FIELDS: readonly DaemonConfigPathField[] = [
  { key: 'chrootDir', layoutDir: () => HostPath.ROOT },
  { key: 'cniConfigDir', daemonDefault: facts.STANDARD_CONF_DIR, layoutDir: (l) => l.confDir },
  { key: 'multusAutoconfigDir', layoutDir: (l) => l.confDir },
  // A dedicated dir: the daemon deletes and recreates it at start.
  { key: 'socketDir', daemonDefault: facts.MULTUS_DEFAULT_SOCKET_DIR, layoutDir: () => undefined, chosenDir: HostPath.of(facts.MULTUS_DEFAULT_SOCKET_DIR) },
  { key: 'confDir', daemonDefault: facts.MULTUS_DEFAULT_CONF_DIR, layoutDir: () => undefined, chosenDir: HostPath.of(facts.MULTUS_DEFAULT_CONF_DIR) },
  { key: 'cniDir', daemonDefault: facts.MULTUS_DEFAULT_CNI_DIR, layoutDir: () => undefined, chosenDir: HostPath.of(facts.MULTUS_DEFAULT_CNI_DIR) },
  { key: 'readinessindicatorfile', layoutDir: (l) => l.readinessIndicatorFile },
];

/**
 * The host path each pod-space field of daemon-config.json names on a node of `layout`: the
 * layout's dir where it decides one, this library's dedicated dir otherwise. A field absent here
 * (the readiness file of a primary network that has none) is left out of the config.
 */
export function daemonConfigHostPaths(layout: DaemonConfigLayout): { [key: string]: HostPath } {
  const out: { [key: string]: HostPath } = {};
  for (const f of DAEMON_CONFIG_PATH_FIELDS) {
    const host = f.layoutDir(layout) ?? f.chosenDir;
    if (host) out[f.key] = host;
  }
  return out;
}
