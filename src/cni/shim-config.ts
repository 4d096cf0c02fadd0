import * as path from 'path';
import * as facts from './facts';

/**
 * The fields of Multus v4.3.0's generated `00-multus.conf`, in the order Go marshals its
 * `MultusConf` struct, with whether each is `omitempty`. Fields the generator clears before
 * marshalling (cniConfigDir, multusConfigFile, multusAutoconfigDir, multusMasterCNI,
 * forceCNIVersion, readinessindicatorfile) are absent. Source: pkg/server/config/generator.go,
 * `MultusConf` and `Generate`.
 */
const GENERATED_FIELDS: ReadonlyArray<[key: string, omitEmpty: boolean]> = [
  ['binDir', true],
  ['capabilities', true],
  ['cniVersion', false],
  ['logFile', true],
  ['logLevel', true],
  ['logToStderr', true],
  ['name', false],
  ['clusterNetwork', true],
  ['namespaceIsolation', true],
  ['globalNamespaces', true],
  ['type', false],
  ['cniDir', true],
  ['auxiliaryCNIChainName', true],
  ['daemonSocketDir', true],
  ['overrideNetworkName', true],
];

/** What the daemon reads from the primary network's config when it generates 00-multus.conf. */
export interface PrimaryNetworkForShim {
  /** Its config file name in the dir the daemon scans (`multusMasterCNI`). */
  readonly configFile: string;
  /** The capabilities its plugins declare enabled. */
  readonly capabilities: readonly string[];
}

/**
 * The bytes of `00-multus.conf` that the v4.3.0 thick daemon writes for `daemonConfig`
 * (`multusConfigFile: auto`) on a node whose primary network is `primary`:
 * ParseMultusConfig's defaults (type multus-shim), the daemon config's own fields, the name
 * forced to `multus-cni-network`, `clusterNetwork` set to the primary's file in
 * `multusAutoconfigDir` (filepath.Join, so cleaned) and the primary's enabled capabilities
 * (manager.go, loadPrimaryCNIConfigurationData and setCapabilities), marshalled compactly by
 * encoding/json (map keys sorted, `<`, `>`, `&` escaped).
 */
export function generatedShimConfig(daemonConfig: { readonly [key: string]: any }, primary: PrimaryNetworkForShim): string {
  if (daemonConfig.logOptions !== undefined) {
    throw new Error('generatedShimConfig: logOptions is not reproduced; leave it out of the daemon config');
  }
  if (daemonConfig.overrideNetworkName) {
    throw new Error('generatedShimConfig: overrideNetworkName is not reproduced; leave it out of the daemon config');
  }
  const capabilities: { [c: string]: boolean } = {};
  for (const [c, on] of Object.entries(daemonConfig.capabilities ?? {})) capabilities[c] = on as boolean;
  for (const c of primary.capabilities) capabilities[c] = true;
  const sorted: { [c: string]: boolean } = {};
  for (const c of Object.keys(capabilities).sort()) sorted[c] = capabilities[c];
  const autoconfigDir = daemonConfig.multusAutoconfigDir ?? '';
  const values: { [key: string]: any } = {
    ...daemonConfig,
    type: daemonConfig.type ?? facts.MULTUS_SHIM,
    name: facts.MULTUS_NETWORK_NAME,
    capabilities: sorted,
    clusterNetwork: path.posix.join(autoconfigDir, primary.configFile),
  };
  const out: { [key: string]: any } = {};
  for (const [key, omitEmpty] of GENERATED_FIELDS) {
    const v = values[key];
    if (omitEmpty && isEmpty(v)) continue;
    out[key] = v ?? '';
  }
  return goJson(JSON.stringify(out));
}

function isEmpty(v: any): boolean {
  return v === undefined || v === null || v === false || v === '' || v === 0 || (typeof v === 'object' && Object.keys(v).length === 0);
}

/** encoding/json's HTML-safe escaping on top of JSON.stringify's. */
function goJson(s: string): string {
  return s.replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}
