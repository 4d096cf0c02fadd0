import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { PRIVILEGED, pinnedImage, scheduleOnNodes, nodeDaemonSet } from './_pod';
import { AppValidator } from './_validator';
import * as facts from './cni/facts';
import { WHEREABOUTS_IPPOOLS_CRD, WHEREABOUTS_NODESLICEPOOLS_CRD, WHEREABOUTS_OVERLAPPING_CRD } from './imports/crds';
import { Ipam, WhereaboutsIpamOptions } from './ipam';
import { ICniNodeLayout } from './layout/layout';
import { MountTable } from './mount-table';
import { NODE_DAEMON_NAMESPACE, NodeDaemonProps, nodeLayout } from './node-daemon';
import { HostPath, PodPath } from './paths';

/** Props for `Whereabouts`. */
export interface WhereaboutsProps extends NodeDaemonProps {
  /**
   * The Whereabouts image; moving tags are refused.
   * @default 'ghcr.io/k8snetworkplumbingwg/whereabouts:v0.9.4'
   */
  readonly image?: string;
}

/**
 * Whereabouts on k3s: its CRDs, RBAC, and the DaemonSet that installs the plugin into the node's
 * bin dir and writes `whereabouts.d/whereabouts.conf` with its host-side kubeconfig into the
 * node's config dir. Its installer derives host paths by deleting the `/host` prefix, so the dirs
 * are mounted at exactly `/host` + host path. Its control loop, which releases the addresses of
 * deleted pods, reads the config at the fixed pod path `/host/etc/cni/net.d`, so the config dir is
 * also mounted there, read-only. NetworkAttachmentDefinitions take their IPAM from `ipam()`, which
 * names the config file's host path, as k3s requires.
 */
export class Whereabouts extends Construct {
  /** The node layout. */
  public readonly paths: ICniNodeLayout;
  /** Host path of whereabouts.conf, which every NAD names as `configuration_path`. */
  public readonly configurationPath: HostPath;
  /** Host path of the kubeconfig the installer writes for the plugin. */
  public readonly kubeconfigHostPath: HostPath;
  /** The DaemonSet. */
  public readonly daemonSet: kplus.DaemonSet;

  public constructor(scope: Construct, id: string, props: WhereaboutsProps = {}) {
    super(scope, id);
    const image = pinnedImage('Whereabouts', 'image', props.image ?? facts.WHEREABOUTS_IMAGE);
    const namespace = props.namespace ?? NODE_DAEMON_NAMESPACE;
    this.paths = nodeLayout(this, props);
    const layout = this.paths;
    this.configurationPath = layout.confDir.join('whereabouts.d', 'whereabouts.conf');
    this.kubeconfigHostPath = layout.confDir.join('whereabouts.d', 'whereabouts.kubeconfig');

    for (const [i, crd] of [WHEREABOUTS_IPPOOLS_CRD, WHEREABOUTS_OVERLAPPING_CRD, WHEREABOUTS_NODESLICEPOOLS_CRD].entries()) {
      new ApiObject(this, `Crd${i}`, crd);
    }
    const sa = new kplus.ServiceAccount(this, 'ServiceAccount', { metadata: { name: 'whereabouts', namespace }, automountToken: true });
    const role = new kplus.ClusterRole(this, 'ClusterRole', { metadata: { name: 'whereabouts' } });
    const wb = (resourceType: string) => kplus.ApiResource.custom({ apiGroup: facts.WHEREABOUTS_GROUP, resourceType });
    role.allow(['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'], wb('ippools'), wb('overlappingrangeipreservations'), wb('nodeslicepools'));
    // Leader election of the reconciler: named verbs instead of upstream's '*'.
    role.allow(['get', 'list', 'watch', 'create', 'update', 'patch'], kplus.ApiResource.custom({ apiGroup: 'coordination.k8s.io', resourceType: 'leases' }));
    role.allow(['get', 'list', 'watch'], kplus.ApiResource.PODS, kplus.ApiResource.NODES,
      kplus.ApiResource.custom({ apiGroup: facts.NAD_GROUP, resourceType: 'network-attachment-definitions' }));
    role.allow(['create', 'patch'], kplus.ApiResource.EVENTS, kplus.ApiResource.custom({ apiGroup: 'events.k8s.io', resourceType: 'events' }));
    new kplus.ClusterRoleBinding(this, 'ClusterRoleBinding', { metadata: { name: 'whereabouts' }, role }).addSubjects(sa);

    this.daemonSet = nodeDaemonSet(this, 'DaemonSet', {
      metadata: { name: 'whereabouts', namespace, labels: { app: 'whereabouts' } },
      podMetadata: { labels: { app: 'whereabouts' } },
      serviceAccount: sa,
      automountServiceAccountToken: true,
      hostNetwork: true,
      securityContext: { ensureNonRoot: false },
      isolate: false,
    }, { app: 'whereabouts' });
    scheduleOnNodes(this.daemonSet, props.nodeSelector, true);
    // Exactly /host + host path: the installer writes sed 's|/host||' of these into whereabouts.conf.
    const under = (host: HostPath) => PodPath.of(facts.HOST_MOUNT_PREFIX).join(host.path.slice(1));
    const mounts = MountTable.of([
      { mountPath: under(layout.confDir), volumeName: 'cni-net-dir', hostPath: layout.confDir, readOnly: false },
      { mountPath: under(layout.binDir), volumeName: 'cnibin', hostPath: layout.binDir, readOnly: false },
    ]);
    const c = this.daemonSet.addContainer({
      name: 'whereabouts',
      image,
      command: ['/bin/sh', '-c', 'SLEEP=false . /install-cni.sh && { /token-watcher.sh & exec /ip-control-loop -log-level error; }'],
      envVariables: {
        CNI_CONF_DIR: kplus.EnvValue.fromValue(mounts.toPod(layout.confDir)!.path),
        CNI_BIN_DIR: kplus.EnvValue.fromValue(`${mounts.toPod(layout.binDir)!.path}/`),
        NODENAME: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.NODE_NAME),
        WHEREABOUTS_NAMESPACE: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_NAMESPACE),
      },
      securityContext: PRIVILEGED,
      resources: { cpu: { request: kplus.Cpu.millis(50) } },
    });
    const volumes = new Map<string, kplus.Volume>();
    for (const m of mounts.entries) {
      const volume = kplus.Volume.fromHostPath(this, `Volume-${m.volumeName}`, m.volumeName, { path: m.hostPath!.path, type: kplus.HostPathVolumeType.DIRECTORY_OR_CREATE });
      volumes.set(m.volumeName, volume);
      c.mount(m.mountPath.path, volume);
    }
    // The control loop reads whereabouts.conf at a fixed pod path: the config dir goes there too.
    if (under(layout.confDir).path !== facts.WHEREABOUTS_CONTROL_LOOP_CONF_DIR) {
      c.mount(facts.WHEREABOUTS_CONTROL_LOOP_CONF_DIR, volumes.get('cni-net-dir')!, { readOnly: true });
    }
    AppValidator.of(this).register(layout, this);
  }

  /** The IPAM for a network that takes its addresses from this Whereabouts. */
  public ipam(options: WhereaboutsIpamOptions): Ipam {
    return Ipam.whereabouts({ ...options, configurationPath: this.configurationPath.path });
  }
}
