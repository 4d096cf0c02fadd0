import { Construct } from 'constructs';
import { K3sCniPaths } from './cni-paths';
import { ICniNodeLayout } from './layout/layout';

/**
 * What every construct that runs on each node (a DaemonSet of the library's) is told: the nodes'
 * layout, its namespace and which nodes. Each node daemon's props extend these.
 */
export interface NodeDaemonProps {
  /**
   * The CNI layout of the nodes it runs on.
   * @default - a `K3sCniPaths` with k3s's defaults, created as the child `Paths`
   */
  readonly paths?: ICniNodeLayout;
  /**
   * The namespace of its objects.
   * @default 'kube-system'
   */
  readonly namespace?: string;
  /**
   * Node labels it is restricted to.
   * @default { 'kubernetes.io/os': 'linux' }
   */
  readonly nodeSelector?: { [label: string]: string };
}

/** The namespace of node daemons unless told otherwise. */
export const NODE_DAEMON_NAMESPACE = 'kube-system';

/** The layout a node daemon deploys onto: the one given, or k3s's defaults as the child `Paths`. */
export function nodeLayout(scope: Construct, props: NodeDaemonProps): ICniNodeLayout {
  return props.paths ?? new K3sCniPaths(scope, 'Paths');
}
