import { Model } from './_model';
import { Finding, ManifestObject, Severity } from './finding';
import { RULES } from './index';
import { K3sLayout } from '../layout/k3s';
import { ICniNodeLayout } from '../layout/layout';

/**
 * What one rule checks and which failure it answers.
 */
export interface RuleInfo {
  /** The stable id, as it appears in findings. */
  readonly id: string;
  /** The severity of its findings. */
  readonly severity: Severity;
  /** What it checks. */
  readonly summary: string;
  /** The failure seen in the field that it catches before deployment. */
  readonly catches: string;
  /** Whether it judges manifests alone, without the node layout (`MultusRules.checkManifests`). */
  readonly layoutIndependent: boolean;
}

/**
 * The rule engine: the checks that run when an app is synthesized, over manifests of any origin.
 *
 * The rules judge Kubernetes objects as they are written (after any escape-hatch patch), not the
 * props that produced them, so the same engine can judge YAML that this library did not write.
 */
export class MultusRules {
  /** Every rule, with what it catches. */
  public static get all(): RuleInfo[] {
    return RULES.map(({ id, severity, summary, catches, layoutIndependent }) => ({
      id, severity, summary, catches, layoutIndependent: layoutIndependent ?? false,
    }));
  }

  /**
   * Judges a set of manifests for nodes of one layout.
   * @param objects the objects, each in Kubernetes JSON form
   * @param layout the node layout they are meant for
   * @returns the findings of every rule, in rule order
   */
  public static check(objects: ManifestObject[], layout: ICniNodeLayout): Finding[] {
    const model = new Model(objects, layout);
    return RULES.flatMap((r) => r.check(model));
  }

  /**
   * Judges a set of manifests with the rules that need no node layout (NetworkAttachmentDefinitions
   * and attachments): what an app with networks but no Multus construct or layout gets at synth.
   * @param objects the objects, each in Kubernetes JSON form
   * @returns the findings of those rules, in rule order
   */
  public static checkManifests(objects: ManifestObject[]): Finding[] {
    // The layout is not read by these rules; the model needs one.
    const model = new Model(objects, new K3sLayout());
    return RULES.filter((r) => r.layoutIndependent).flatMap((r) => r.check(model));
  }

  /** One line per finding: where, which rule, what is wrong, what was expected, how to fix it. */
  public static format(finding: Finding): string {
    const ns = finding.namespace ? `${finding.namespace}/` : '';
    const where = finding.source ? `[${finding.source}] ` : '';
    return `${where}${finding.ruleId} (${finding.severity}) ${finding.kind} ${ns}${finding.name} ${finding.field}: ` +
      `${finding.message}. Found: ${finding.found}. Expected: ${finding.expected}. Fix: ${finding.fix}.`;
  }

  private constructor() {}
}
