import * as facts from '../cni/facts';
import { pluginNameProblem } from '../cni/plugins';
import { HostPath } from '../paths';
import type { ICniNodeLayout } from './layout';

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
   * The capabilities its config declares enabled (such as `portMappings`, `bandwidth`), which
   * `MultusConfigLifetime.PERSISTENT` writes into Multus's config as the daemon would.
   * @default - unknown
   */
  readonly capabilities?: string[];
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
      HostPath.of(facts.FLANNEL_SUBNET_ENV), [], facts.K3S_FLANNEL_CNI_VERSION, [...facts.K3S_FLANNEL_CAPABILITIES],
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
    for (const c of options.capabilities ?? []) {
      if (!/^[A-Za-z][A-Za-z0-9]*$/.test(c)) {
        throw new Error(`PrimaryCni.external: capabilities entry ${JSON.stringify(c)} is not a CNI capability name such as "portMappings" or "bandwidth"`);
      }
    }
    for (const p of options.plugins ?? []) {
      const problem = pluginNameProblem(p);
      if (problem) throw new Error(`PrimaryCni.external: plugins entry ${problem}`);
    }
    return new PrimaryCni(
      options.name, false, options.configFileName, undefined,
      options.readinessIndicatorFile === undefined ? undefined : HostPath.of(options.readinessIndicatorFile, 'PrimaryCni.external: readinessIndicatorFile'),
      [...(options.plugins ?? [])], options.cniVersion, options.capabilities && [...options.capabilities],
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
  /** The capabilities its config declares enabled, when known. */
  public readonly capabilities?: string[];
  /** Plugins it installs into the CNI bin dir. */
  public readonly plugins: string[];
  /** @internal */
  public readonly _embedded: boolean;

  private constructor(
    name: string, embedded: boolean, configFileName: string | undefined, networkName: string | undefined,
    readinessIndicatorFile: HostPath | undefined, plugins: string[], cniVersion?: string, capabilities?: string[],
  ) {
    this.cniVersion = cniVersion;
    this.capabilities = capabilities;
    this.name = name;
    this._embedded = embedded;
    this.configFileName = configFileName;
    this.networkName = networkName;
    this.readinessIndicatorFile = readinessIndicatorFile;
    this.plugins = plugins;
  }
}

/** What a layout takes from its primary network (nothing is known of an unnamed one). */
export function primaryNetworkFields(p: PrimaryCni | undefined): Pick<ICniNodeLayout,
'primaryNetworkConfigFile' | 'primaryNetworkName' | 'primaryNetworkCniVersion' | 'primaryNetworkCapabilities' | 'readinessIndicatorFile'> {
  return {
    primaryNetworkConfigFile: p?.configFileName,
    primaryNetworkName: p?.networkName,
    primaryNetworkCniVersion: p?.cniVersion,
    primaryNetworkCapabilities: p?.capabilities,
    readinessIndicatorFile: p?.readinessIndicatorFile,
  };
}
