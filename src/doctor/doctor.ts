import * as fs from 'fs';
import { HostRoot } from './_host';
import { checkBinDir } from './bin-dir';
import { checkConfDir } from './conf-dir';
import { checkRuntime } from './containerd';
import { checkDaemon } from './daemon';
import { checkDhcp } from './dhcp';
import { CannotInspect, DoctorFinding } from './finding';
import { checkKubeconfigs } from './kubeconfigs';
import { NodeFacts, readNode } from './node';
import { checkWhereabouts } from './whereabouts';
import { Severity } from '../rules/finding';

/** What doctor is asked to inspect. */
export interface DoctorOptions {
  /** The node's root: `/` on the node, `/host` in a pod that mounts it there. */
  readonly root: string;
  /** Manifest files whose NetworkAttachmentDefinitions the node must serve. */
  readonly manifests?: { readonly source: string; readonly text: string }[];
}

/** What doctor found. */
export interface DoctorReport {
  /** The node as read, when it could be. */
  readonly node?: NodeFacts;
  readonly findings: DoctorFinding[];
  /** Host paths that exist but could not be read. */
  readonly unreadable: string[];
  /** Why the node could not be inspected at all. */
  readonly cannotInspect?: string;
}

/** The checks, one per subject, in reporting order. */
const CHECKS: ((node: NodeFacts) => DoctorFinding[])[] = [
  (node) => checkRuntime(node.runtime), checkConfDir, checkDaemon, checkBinDir, checkKubeconfigs, checkDhcp, checkWhereabouts,
];

/** Reads the node under `options.root` and judges it. Never writes. */
export function runDoctor(options: DoctorOptions): DoctorReport {
  const root = new HostRoot(options.root);
  let st: fs.Stats | undefined;
  try {
    st = fs.statSync(options.root);
  } catch {
    st = undefined;
  }
  if (!st?.isDirectory()) return { findings: [], unreadable: [], cannotInspect: `--root ${options.root} is not a directory` };
  let node: NodeFacts;
  try {
    node = readNode(root, options.manifests);
  } catch (e) {
    if (e instanceof CannotInspect) return { findings: [], unreadable: root.unreadable, cannotInspect: e.message };
    throw e;
  }
  const findings = CHECKS.flatMap((check) => check(node));
  return { node, findings, unreadable: [...new Set(root.unreadable)] };
}

/** 0 healthy, 1 problems found, 2 the node (or part of it) could not be read. */
export function exitCodeOf(report: DoctorReport): number {
  if (report.cannotInspect || report.unreadable.length > 0) return 2;
  return report.findings.some((f) => f.severity === Severity.ERROR) ? 1 : 0;
}
