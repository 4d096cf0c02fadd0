import { ApiObject, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { hostNetworkDaemonSet, PRIVILEGED, pinnedImage } from './_pod';
import { AppValidator } from './_validator';
import * as facts from './cni/facts';
import { ICniNodeLayout } from './layout/layout';
import { MountTable } from './mount-table';
import { NODE_DAEMON_NAMESPACE, NodeDaemonProps, nodeLayout } from './node-daemon';
import { PodPath } from './paths';

/** Props for `DhcpDaemon`. */
export interface DhcpDaemonProps extends NodeDaemonProps {
  /**
   * An image with a POSIX shell; the daemon binary itself comes from the node's bin dir.
   * @default 'busybox:1.36.1'
   */
  readonly image?: string;
}

/**
 * The DHCP daemon that the `dhcp` IPAM plugin talks to on every node: the `dhcp` plugin in
 * `daemon` mode, run from the node's CNI bin dir (where MultusThick installs it), listening on
 * host `/run/cni/dhcp.sock`, after removing a stale socket.
 */
export class DhcpDaemon extends Construct {
  /** The node layout. */
  public readonly paths: ICniNodeLayout;
  /** The DaemonSet. */
  public readonly daemonSet: kplus.DaemonSet;

  public constructor(scope: Construct, id: string, props: DhcpDaemonProps = {}) {
    super(scope, id);
    const image = pinnedImage('DhcpDaemon', 'image', props.image ?? facts.BUSYBOX_IMAGE);
    this.paths = nodeLayout(this, props);
    const layout = this.paths;
    const labels = { app: 'cni-dhcp-daemon' };
    this.daemonSet = hostNetworkDaemonSet(this, 'cni-dhcp-daemon', props.namespace ?? NODE_DAEMON_NAMESPACE, labels, props.nodeSelector);

    const bin = kplus.Volume.fromHostPath(this, 'BinVolume', 'cni-bin', { path: layout.binDirMountRoot.path });
    const sock = kplus.Volume.fromHostPath(this, 'SocketVolume', 'cni-socket', {
      path: facts.DHCP_SOCKET_DIR, type: kplus.HostPathVolumeType.DIRECTORY_OR_CREATE,
    });
    const netns = kplus.Volume.fromHostPath(this, 'NetnsVolume', 'host-run-netns', { path: '/run/netns', type: kplus.HostPathVolumeType.DIRECTORY_OR_CREATE });
    const mounts = MountTable.of([{ mountPath: PodPath.of(layout.binDirMountRoot.path), volumeName: 'cni-bin', hostPath: layout.binDirMountRoot, readOnly: true }]);
    const dhcp = mounts.toPod(layout.binDir.join('dhcp'))!.path;
    this.daemonSet.addInitContainer({
      name: 'remove-stale-socket',
      image,
      command: ['rm', '-f', `${facts.DHCP_SOCKET_DIR}/dhcp.sock`],
      securityContext: PRIVILEGED,
      resources: { cpu: { request: kplus.Cpu.millis(10) } },
      volumeMounts: [{ path: facts.DHCP_SOCKET_DIR, volume: sock }],
    });
    const c = this.daemonSet.addContainer({
      name: 'dhcp-daemon',
      image,
      command: [dhcp, 'daemon'],
      securityContext: PRIVILEGED,
      resources: { cpu: { request: kplus.Cpu.millis(10) } },
    });
    c.mount(layout.binDirMountRoot.path, bin, { readOnly: true });
    c.mount(facts.DHCP_SOCKET_DIR, sock);
    // containerd names pod network namespaces /var/run/netns/cni-...; the daemon opens that path.
    c.mount('/run/netns', netns, { propagation: kplus.MountPropagation.HOST_TO_CONTAINER });
    c.mount('/var/run/netns', netns, { propagation: kplus.MountPropagation.HOST_TO_CONTAINER });
    ApiObject.of(this.daemonSet).addJsonPatch(JsonPatch.add('/spec/template/spec/priorityClassName', 'system-node-critical'));
    AppValidator.of(this).register(layout, this);
  }
}
