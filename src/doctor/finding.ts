import { Severity } from '../rules/finding';

/** What doctor found on the node: a stable id, what is wrong, where, and the fix. */
export interface DoctorFinding {
  /** The stable id of the check, such as `multus-config-stale`. */
  readonly id: string;
  readonly severity: Severity;
  /** The subject it belongs to: containerd, conf-dir, bin-dir, kubeconfig, daemon, dhcp, whereabouts. */
  readonly subject: string;
  /** The host path it is about, where there is one. */
  readonly path?: string;
  readonly message: string;
  /** A command to run on the node, or the change to make to the chart. */
  readonly fix: string;
}

/** A finding builder for one subject: id and subject are written once per check. */
export function findingsOf(subject: string): (id: string, severity: Severity, details: Omit<DoctorFinding, 'id' | 'severity' | 'subject'>) => DoctorFinding {
  return (id, severity, details) => ({ id, severity, subject, ...details });
}

/** The node could not be inspected at all (exit code 2), naming what could not be read. */
export class CannotInspect extends Error {}
