import { ApiObject, Lazy, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { IConstruct } from 'constructs';
import { PRIVILEGED } from './_pod';
import { AppValidator } from './_validator';
import * as facts from './cni/facts';
import { INSTALLER_ENV_PLUGINS, INSTALLER_ENV_REPLACE_BUNDLED, INSTALLER_ENV_SOURCE, INSTALLER_ENV_TARGET, PLUGIN_INSTALLER_SCRIPT } from './cni/installer';
import { MACVTAP_CNI_TYPE } from './cni/macvtap';
import { pluginTypes } from './cni/plugins';
import { ICniNodeLayout } from './layout/layout';
import { MountTable } from './mount-table';
import { CniNetwork } from './network';
import { PodPath } from './paths';

/** How a Multus deployment installs binaries into the node's bin dir. */
export interface InstallerOptions {
  readonly layout: ICniNodeLayout;
  /** The Multus image, which carries install_multus. */
  readonly image: string;
  /** `thick` installs multus-shim, `thin` installs multus; both install passthru. */
  readonly flavour: 'thick' | 'thin';
  readonly pluginsImage: string;
  readonly pluginsSourceDir: string;
  readonly pullPolicy: kplus.ImagePullPolicy;
  readonly replaceBundled: boolean;
  /** The plugins to install, resolved at synth. */
  readonly plugins: () => string[];
}

/**
 * Adds the two installer init containers: install_multus, and the reference plugins the app's
 * networks need, both into the node's bin dir, which they see (with the targets of k3s's symlinks)
 * at the same path. Returns the volume of the bin dir, for the daemon to mount too.
 */
export function addInstallers(scope: IConstruct, pod: kplus.AbstractPod, o: InstallerOptions): kplus.Volume {
  const root = o.layout.binDirMountRoot;
  const volume = kplus.Volume.fromHostPath(scope as any, 'Volume-cni-bin', 'cni-bin', { path: root.path });
  const mounts = MountTable.of([{ mountPath: PodPath.of(root.path), volumeName: 'cni-bin', hostPath: root, readOnly: false }]);
  const target = mounts.toPod(o.layout.binDir)!.path;
  const small: kplus.ContainerResources = { cpu: { request: kplus.Cpu.millis(10) }, memory: { request: Size.mebibytes(15) } };
  pod.addInitContainer({
    name: `install-multus-${o.flavour === 'thick' ? 'shim' : 'binary'}`,
    image: o.image,
    imagePullPolicy: o.pullPolicy,
    command: [o.flavour === 'thick' ? facts.MULTUS_INSTALLER : facts.MULTUS_THIN_INSTALLER, '-d', target, '-t', o.flavour],
    securityContext: PRIVILEGED,
    resources: small,
    volumeMounts: [{ path: root.path, volume }],
  });
  pod.addInitContainer({
    name: 'install-cni-plugins',
    image: o.pluginsImage,
    imagePullPolicy: o.pullPolicy,
    command: ['/bin/sh', '-c', PLUGIN_INSTALLER_SCRIPT],
    envVariables: {
      [INSTALLER_ENV_TARGET]: kplus.EnvValue.fromValue(target),
      [INSTALLER_ENV_PLUGINS]: kplus.EnvValue.fromValue(Lazy.any({ produce: () => o.plugins().join(' ') }) as any),
      [INSTALLER_ENV_SOURCE]: kplus.EnvValue.fromValue(o.pluginsSourceDir),
      [INSTALLER_ENV_REPLACE_BUNDLED]: kplus.EnvValue.fromValue(String(o.replaceBundled)),
    },
    securityContext: PRIVILEGED,
    resources: small,
    volumeMounts: [{ path: root.path, volume }],
  });
  return volume;
}

/**
 * The plugins to install for an app: every plugin type its NetworkAttachmentDefinitions use that
 * the node does not bundle, plus `extra`; only those the plugins image carries, unless it is a
 * custom image (the rest is left to the plugin-available rule).
 */
export function pluginsForApp(scope: IConstruct, layout: ICniNodeLayout, extra: string[], replaceBundled: boolean, customImage: boolean): string[] {
  const used = new Set<string>(extra);
  for (const c of AppValidator.constructsOf(scope)) {
    if (c instanceof CniNetwork) {
      pluginTypes(c._configObject()).forEach((t) => used.add(t));
      continue;
    }
    // Other NetworkAttachmentDefinitions: read as written.
    if (!(c instanceof ApiObject) || c.kind !== facts.NAD_KIND) continue;
    const text = c.toJson()?.spec?.config;
    if (typeof text !== 'string') continue;
    try {
      pluginTypes(JSON.parse(text)).forEach((t) => used.add(t));
    } catch {
      // An unparsable config is reported by the nad-config rule.
    }
  }
  const bundled = new Set(replaceBundled ? [] : layout.bundledPlugins);
  // The macvtap CNI comes with its device plugin (MacvtapDevicePlugin installs it), never from a plugins image.
  const installable = (p: string) => p !== MACVTAP_CNI_TYPE && (customImage || facts.REFERENCE_PLUGINS.includes(p));
  return [...used].filter((p) => !bundled.has(p) && installable(p)).sort();
}
