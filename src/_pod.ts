import * as kplus from 'cdk8s-plus-27';

/** Node daemons that configure the host network run privileged, as root. */
export const PRIVILEGED: kplus.ContainerSecurityContextProps = {
  privileged: true, allowPrivilegeEscalation: true, ensureNonRoot: false, readOnlyRootFilesystem: false,
};

/** Restricts a node daemon to labelled nodes and, unless told otherwise, tolerates every taint. */
export function scheduleOnNodes(ds: kplus.DaemonSet, nodeSelector: { [label: string]: string } | undefined, tolerateAll: boolean): void {
  ds.scheduling.attract(kplus.Node.labeled(
    ...Object.entries(nodeSelector ?? { 'kubernetes.io/os': 'linux' }).map(([k, v]) => kplus.NodeLabelQuery.is(k, v))));
  if (tolerateAll) ds.scheduling.tolerate(kplus.Node.tainted(kplus.NodeTaintQuery.any()));
}
