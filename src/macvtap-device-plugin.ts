import { ApiObject, JsonPatch, Lazy, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { hostNetworkDaemonSet, PRIVILEGED, pinnedImage } from './_pod';
import { AppValidator } from './_validator';
import { INSTALLER_ENV_PLUGINS, INSTALLER_ENV_REPLACE_BUNDLED, INSTALLER_ENV_SOURCE, INSTALLER_ENV_TARGET, PLUGIN_INSTALLER_SCRIPT } from './cni/installer';
import * as macvtap from './cni/macvtap';
import { ICniNodeLayout } from './layout/layout';
import { MacvtapNetwork } from './macvtap-network';
import { MountTable } from './mount-table';
import { NODE_DAEMON_NAMESPACE, NodeDaemonProps, nodeLayout } from './node-daemon';
import { PodPath } from './paths';

/** Props for `MacvtapDevicePlugin`. */
export interface MacvtapDevicePluginProps extends NodeDaemonProps {
  /**
   * The name of the DaemonSet; the ConfigMap is `<name>-deviceplugin-config`.
   * @default 'macvtap-cni'
   */
  readonly name?: string;
  /**
   * The kubevirt/macvtap-cni image, carrying the device plugin and the CNI plugin. Pin a release
   * tag or a digest.
   * @default 'quay.io/kubevirt/macvtap-cni:v0.13.1'
   */
  readonly image?: string;
  /**
   * Image pull policy.
   * @default kplus.ImagePullPolicy.IF_NOT_PRESENT
   */
  readonly imagePullPolicy?: kplus.ImagePullPolicy;
}

/** One resource of the device plugin's configuration. */
export interface MacvtapResource {
  /** The resource name, without the `macvtap.network.kubevirt.io/` prefix. */
  readonly name: string;
  /** The NIC its devices hang off. */
  readonly lowerDevice: string;
  /** The macvtap mode. */
  readonly mode: string;
  /** Devices per node. */
  readonly capacity: number;
}

/**
 * The macvtap device plugin of kubevirt/macvtap-cni on every node, as its release manifest deploys
 * it (privileged, host network and PID, the kubelet's device plugin dir), with the `macvtap` CNI
 * installed into the node's bin dir by the library's installer script (temp file, then rename),
 * and a ConfigMap whose `DP_MACVTAP_CONF` lists one resource per `MacvtapNetwork` of the app
 * (name, master as `lowerDevice`, mode, capacity), resolved at synth.
 *
 * KubeVirt must register the macvtap binding plugin in its CR for VMs to use it:
 * `spec.configuration.network.binding.macvtap: { domainAttachmentType: tap }`.
 */
export class MacvtapDevicePlugin extends Construct {
  /** The node layout. */
  public readonly paths: ICniNodeLayout;
  /** The ConfigMap holding `DP_MACVTAP_CONF`. */
  public readonly configMap: kplus.ConfigMap;
  /** The DaemonSet. */
  public readonly daemonSet: kplus.DaemonSet;

  public constructor(scope: Construct, id: string, props: MacvtapDevicePluginProps = {}) {
    super(scope, id);
    const image = pinnedImage('MacvtapDevicePlugin', 'image', props.image ?? macvtap.MACVTAP_IMAGE);
    const pullPolicy = props.imagePullPolicy ?? kplus.ImagePullPolicy.IF_NOT_PRESENT;
    const name = props.name ?? 'macvtap-cni';
    const namespace = props.namespace ?? NODE_DAEMON_NAMESPACE;
    this.paths = nodeLayout(this, props);
    const layout = this.paths;
    const labels = { app: name };

    this.configMap = new kplus.ConfigMap(this, 'Config', {
      metadata: { name: `${name}-deviceplugin-config`, namespace },
      data: { [macvtap.MACVTAP_CONFIG_ENV]: Lazy.any({ produce: () => JSON.stringify(this.resources()) }) as any },
    });

    this.daemonSet = hostNetworkDaemonSet(this, name, namespace, labels, props.nodeSelector);

    const root = layout.binDirMountRoot;
    const bin = kplus.Volume.fromHostPath(this, 'BinVolume', 'cni-bin', { path: root.path });
    const target = MountTable.of([{ mountPath: PodPath.of(root.path), volumeName: 'cni-bin', hostPath: root, readOnly: false }]).toPod(layout.binDir)!.path;
    this.daemonSet.addInitContainer({
      name: 'install-cni',
      image,
      imagePullPolicy: pullPolicy,
      command: ['/bin/sh', '-c', PLUGIN_INSTALLER_SCRIPT],
      envVariables: {
        [INSTALLER_ENV_TARGET]: kplus.EnvValue.fromValue(target),
        [INSTALLER_ENV_PLUGINS]: kplus.EnvValue.fromValue(`${macvtap.MACVTAP_CNI_TYPE}=${macvtap.MACVTAP_CNI_IN_IMAGE}`),
        [INSTALLER_ENV_SOURCE]: kplus.EnvValue.fromValue('/'),
        [INSTALLER_ENV_REPLACE_BUNDLED]: kplus.EnvValue.fromValue('false'),
      },
      securityContext: PRIVILEGED,
      resources: { cpu: { request: kplus.Cpu.millis(10) }, memory: { request: Size.mebibytes(15) } },
      volumeMounts: [{ path: root.path, volume: bin }],
    });
    const plugins = kplus.Volume.fromHostPath(this, 'DevicePluginVolume', 'device-plugins', { path: macvtap.KUBELET_DEVICE_PLUGINS_DIR });
    const c = this.daemonSet.addContainer({
      name: 'macvtap-deviceplugin',
      image,
      imagePullPolicy: pullPolicy,
      command: [...macvtap.MACVTAP_DEVICE_PLUGIN_COMMAND],
      envVariables: { [macvtap.MACVTAP_CONFIG_ENV]: kplus.EnvValue.fromConfigMap(this.configMap, macvtap.MACVTAP_CONFIG_ENV) },
      securityContext: PRIVILEGED,
      resources: { cpu: { request: kplus.Cpu.millis(60) }, memory: { request: Size.mebibytes(30) } },
    });
    c.mount(macvtap.KUBELET_DEVICE_PLUGINS_DIR, plugins);
    const ds = ApiObject.of(this.daemonSet);
    // The release manifest's pod settings (cdk8s-plus-27 has neither: the L1's TypeScript keys).
    ds.addJsonPatch(JsonPatch.add('/spec/template/spec/hostPid', true));
    ds.addJsonPatch(JsonPatch.add('/spec/template/spec/priorityClassName', 'system-node-critical'));
    this.node.addValidation({ validate: () => this.problems() });
    AppValidator.of(this).register(layout, this);
  }

  /** The resources of the app's macvtap networks, one per resource name, sorted by name. */
  public resources(): MacvtapResource[] {
    const byName = new Map<string, MacvtapResource>();
    for (const n of this.networks()) {
      byName.set(n.resourceName, byName.get(n.resourceName) ?? { name: n.resourceName, lowerDevice: n.master, mode: n.mode, capacity: n.capacity });
    }
    return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  private networks(): MacvtapNetwork[] {
    return AppValidator.constructsOf(this).filter((c): c is MacvtapNetwork => c instanceof MacvtapNetwork);
  }

  /** Networks that name one resource with different devices, and an app with no macvtap network. */
  private problems(): string[] {
    const networks = this.networks();
    // An empty DP_MACVTAP_CONF would expose every NIC of every node as a resource.
    if (networks.length === 0) return [`${this.node.path}: MacvtapDevicePlugin has no MacvtapNetwork in the app to serve; add one, or remove the device plugin`];
    const first = new Map<string, MacvtapNetwork>();
    const out: string[] = [];
    for (const n of networks) {
      const f = first.get(n.resourceName);
      if (!f) {
        first.set(n.resourceName, n);
      } else if (f.master !== n.master || f.mode !== n.mode || f.capacity !== n.capacity) {
        out.push(`${n.node.path}: MacvtapNetwork resourceName "${n.resourceName}" is also used by ${f.node.path} with master ${f.master}, mode ${f.mode}, capacity ${f.capacity}, ` +
          `but here with master ${n.master}, mode ${n.mode}, capacity ${n.capacity}; give it a resourceName of its own`);
      }
    }
    return out;
  }
}
