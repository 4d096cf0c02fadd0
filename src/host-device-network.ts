import { Construct } from 'constructs';
import { macProblem } from './cni/chain';
import { CniNetwork, CniNetworkOptions, _checkInterfaceName } from './network';

/** Props for `HostDeviceNetwork`: the node's device to move into the pod, named in exactly one way. */
export interface HostDeviceNetworkProps extends CniNetworkOptions {
  /**
   * The device's name on the node, such as `enp3s0`.
   * @default - the device is named another way
   */
  readonly device?: string;
  /**
   * The device's MAC address (the plugin's `hwaddr`), for a device whose name differs per node.
   * @default - the device is named another way
   */
  readonly hardwareAddress?: string;
  /**
   * The device's kernel path under `/sys/devices/` (the plugin's `kernelpath`), such as
   * `/sys/devices/pci0000:00/0000:00:1f.6`.
   * @default - the device is named another way
   */
  readonly kernelPath?: string;
  /**
   * The device's PCI address (the plugin's `pciBusID`), such as `0000:00:1f.6`.
   * @default - the device is named another way
   */
  readonly pciBusId?: string;
}

/**
 * A network that moves a whole device of the node into the pod (the reference `host-device`
 * plugin), renamed to the attachment's interface and back to its own name on DEL. One pod per node
 * can hold it at a time, and the node loses the device meanwhile: never name the node's own uplink.
 * k3s does not bundle the plugin; the library installs it.
 */
export class HostDeviceNetwork extends CniNetwork {
  /** The plugin key that names the device: `device`, `hwaddr`, `kernelpath` or `pciBusID`. */
  public readonly deviceKey: string;
  /** The value that names the device. */
  public readonly deviceValue: string;

  public constructor(scope: Construct, id: string, props: HostDeviceNetworkProps) {
    const given: [string, string, string | undefined][] = [
      ['device', 'device', props.device],
      ['hardwareAddress', 'hwaddr', props.hardwareAddress],
      ['kernelPath', 'kernelpath', props.kernelPath],
      ['pciBusId', 'pciBusID', props.pciBusId],
    ];
    const set = given.filter(([, , v]) => v !== undefined);
    // The plugin takes the first of device, hwaddr, kernelpath, pciBusID it finds and ignores the
    // rest (v1.9.1 plugins/main/host-device/host-device.go, getLink); none is an error.
    if (set.length !== 1) {
      throw new Error(`HostDeviceNetwork: name the device in exactly one way (device, hardwareAddress, kernelPath or pciBusId), got ${set.length === 0 ? 'none' : set.map(([f]) => f).join(' and ')}`);
    }
    const [field, key, value] = set[0] as [string, string, string];
    if (field === 'device') _checkInterfaceName('HostDeviceNetwork: device', value);
    if (field === 'hardwareAddress') {
      const problem = macProblem(value);
      if (problem) throw new Error(`HostDeviceNetwork: hardwareAddress ${problem}`);
    }
    if (field === 'kernelPath' && (!/^\/sys\/devices\/./.test(value) || value.split('/').includes('..'))) {
      throw new Error(`HostDeviceNetwork: kernelPath ${JSON.stringify(value)} must be an absolute path under /sys/devices/ without "..", such as /sys/devices/pci0000:00/0000:00:1f.6`);
    }
    if (field === 'pciBusId' && !/^[0-9a-fA-F]{4}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-7]$/.test(value)) {
      throw new Error(`HostDeviceNetwork: pciBusId ${JSON.stringify(value)} is not a PCI address; write domain:bus:device.function, such as 0000:00:1f.6 (lspci -D shows them)`);
    }
    // The plugin moves the device with its own MAC and reads no runtime MAC.
    if (props.capabilities?.mac) {
      throw new Error('HostDeviceNetwork: capabilities.mac cannot be honoured: the host-device plugin moves the device with its own MAC and reads no requested one; remove it');
    }
    super(scope, id, 'host-device', props);
    this.deviceKey = key;
    this.deviceValue = value;
  }

  protected pluginConfig(): { [key: string]: any } {
    return { [this.deviceKey]: this.deviceValue };
  }
}
