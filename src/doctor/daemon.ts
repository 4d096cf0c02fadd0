// The Multus daemon as the node sees it: its socket behind the thick config, the readiness file
// it waits for, and the delegate a thin config names.
import * as path from 'path';
import { DoctorFinding, findingsOf } from './finding';
import { NodeFacts } from './node';
import * as facts from '../cni/facts';
import { Severity } from '../rules/finding';

const finding = findingsOf('daemon');

export function checkDaemon(node: NodeFacts): DoctorFinding[] {
  const { multus, root } = node;
  const out: DoctorFinding[] = [];
  if (multus?.config && multus.multus === 'thick') {
    const dir = typeof multus.config.daemonSocketDir === 'string' ? multus.config.daemonSocketDir : facts.MULTUS_DEFAULT_SOCKET_DIR;
    const socket = path.posix.join(dir, facts.MULTUS_SOCKET_FILE);
    if (!root.stat(socket)?.isSocket()) {
      out.push(finding('multus-config-stale', Severity.ERROR, {
        path: multus.path,
        message: `${multus.name} sends every pod to the Multus daemon at ${socket}, which does not exist: the daemon is not running (killed, or removed without deleting its config), and every pod ADD waits 60 s, then fails`,
        fix: `if Multus should run here, see why its daemon pod is down (kubectl -n kube-system get pods -o wide | grep multus); if it was removed, delete the stale config: rm ${multus.path}`,
      }));
    }
  }
  // The readiness file: what a thin config names (a host path), else the layout's primary network's.
  const named = multus?.multus === 'thin' && typeof multus.config?.readinessindicatorfile === 'string' ? multus.config.readinessindicatorfile : undefined;
  const layoutFile = node.primary?.name === node.layout.primaryNetworkConfigFile ? node.layout.readinessIndicatorFile?.path : undefined;
  const readiness = named ?? layoutFile;
  if (readiness && !root.stat(readiness)) {
    out.push(finding('primary-not-ready', Severity.WARNING, {
      path: readiness,
      message: `the primary network's readiness file ${readiness} is missing: Multus waits for it (and, with a generated config, deletes its config and exits when it disappears)`,
      fix: node.layout.layoutName === 'k3s' ? 'check k3s\'s flannel: journalctl -u k3s | grep -i flannel' : 'check the primary CNI\'s pod on this node',
    }));
  }
  if (multus?.multus === 'thin' && typeof multus.config?.clusterNetwork === 'string' && multus.config.clusterNetwork.startsWith('/') && !root.stat(multus.config.clusterNetwork)) {
    out.push(finding('delegate-missing', Severity.ERROR, {
      path: multus.path,
      message: `${multus.name} names clusterNetwork ${multus.config.clusterNetwork}, which does not exist on the host: every pod ADD fails`,
      fix: `point clusterNetwork at the primary network's config${node.primary ? ` (${node.primary.path})` : ''}`,
    }));
  }
  return out;
}
