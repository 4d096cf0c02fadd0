import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { imageProblem } from './cni/images';

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

/** The image, when it names a release tag or a digest; otherwise an error naming the construct and field. */
export function pinnedImage(kind: string, field: string, image: string): string {
  const problem = imageProblem(image);
  if (problem) throw new Error(`${kind}: ${field} ${problem}. Pin a release tag (such as v4.3.0-thick) or a digest (name@sha256:...)`);
  return image;
}

/**
 * A DaemonSet whose pods are selected by `selector` (labels of its pod template) instead of
 * cdk8s-plus's label derived from the construct path. A selector cannot change once applied; this
 * one survives renaming the chart or moving the construct, where the derived one fails
 * `kubectl apply` with "field is immutable".
 */
export function nodeDaemonSet(scope: Construct, id: string, props: kplus.DaemonSetProps, selector: { [key: string]: string }): kplus.DaemonSet {
  const ds = new kplus.DaemonSet(scope, id, { ...props, select: false });
  ds.select(kplus.LabelSelector.of({ labels: selector }));
  return ds;
}

/**
 * A node daemon on the host's network with no API access (no ServiceAccount token): its pods are
 * labelled and selected by `labels`, on the nodes `nodeSelector` names, tolerating every taint.
 */
export function hostNetworkDaemonSet(scope: Construct, name: string, namespace: string, labels: { [key: string]: string },
  nodeSelector: { [label: string]: string } | undefined): kplus.DaemonSet {
  const ds = nodeDaemonSet(scope, 'DaemonSet', {
    metadata: { name, namespace, labels },
    podMetadata: { labels },
    hostNetwork: true,
    securityContext: { ensureNonRoot: false },
    automountServiceAccountToken: false,
    isolate: false,
  }, labels);
  scheduleOnNodes(ds, nodeSelector, true);
  return ds;
}
