import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { judge } from './_define';
import { Model } from './_model';
import { RULE_ID } from './_suppress';
import { Finding, ManifestObject, NotJudged, Severity, SuppressedFinding, Verdict } from './finding';
import { RULES } from './index';
import { SUPPRESSION_ANNOTATION } from '../cni/facts';
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
 * How `MultusRules.judge` takes its input.
 */
export interface JudgeOptions {
  /**
   * Whether the objects may be only part of what runs on the nodes, as files linted on their own
   * are: what a rule needs from a part that is not there (the ConfigMap a DaemonSet mounts, the
   * plugins, kubeconfig and whereabouts.conf that an installer outside the input puts on the
   * nodes) is then "not judged" instead of reported missing.
   * @default false - the objects are the whole deployment, as an app is at synth
   */
  readonly partialInput?: boolean;
  /**
   * Whether the plugins on the nodes were declared (the layout's extra or available plugins;
   * `lint --node-plugins`): with partial input, a network's plugins are then judged against the
   * layout even when nothing in the input installs plugins.
   * @default false
   */
  readonly nodePluginsDeclared?: boolean;
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
    return MultusRules.judge(objects, layout).findings;
  }

  /**
   * Judges a set of manifests for nodes of one layout, with all three outcomes: the findings that
   * fail synth and lint, the findings that suppression annotations hide, and what this input
   * could not tell.
   * @param objects the objects, each in Kubernetes JSON form
   * @param layout the node layout they are meant for
   * @param options how to take the input (partial or whole)
   */
  public static judge(objects: ManifestObject[], layout: ICniNodeLayout, options: JudgeOptions = {}): Verdict {
    return judge(new Model(objects, layout, { ...options, suppressible: RULE_IDS }), RULES);
  }

  /**
   * Judges a set of manifests with the rules that need no node layout (NetworkAttachmentDefinitions
   * and attachments): what an app with networks but no Multus construct or layout gets at synth.
   * @param objects the objects, each in Kubernetes JSON form
   * @returns the findings of those rules, in rule order
   */
  public static checkManifests(objects: ManifestObject[]): Finding[] {
    return MultusRules.judgeManifests(objects).findings;
  }

  /**
   * `checkManifests` with all three outcomes (see `judge`).
   * @param objects the objects, each in Kubernetes JSON form
   */
  public static judgeManifests(objects: ManifestObject[]): Verdict {
    // The layout is not read by these rules; the model needs one.
    return judge(new Model(objects, new K3sLayout(), { suppressible: RULE_IDS }), RULES.filter((r) => r.layoutIndependent));
  }

  /**
   * Suppresses one rule on an object, with the reason, by writing the `cdk8s-multus.io/ignore`
   * annotation (`<rule-id>=<reason>`, entries separated by commas). The rule's findings on that
   * object no longer fail synth or lint; lint lists them as suppressed, with the reason. Findings
   * on other objects, and other rules, are unaffected.
   *
   * @param scope an ApiObject, or a construct: then every ApiObject within it
   * @param ruleId the id of the rule, as findings print it
   * @param reason why the finding does not apply here; required, without commas or line breaks
   */
  public static suppress(scope: IConstruct, ruleId: string, reason: string): void {
    const rule = RULES.find((r) => r.id === ruleId);
    if (!rule || rule.unsuppressible || !RULE_ID.test(ruleId)) {
      throw new Error(`MultusRules.suppress: ruleId ${JSON.stringify(ruleId)} is not a rule that can be suppressed; ` +
        'give the id as findings print it (the rules are listed by MultusRules.all and in docs/rules.md)');
    }
    const text = typeof reason === 'string' ? reason.trim() : '';
    if (text === '' || /[,\n\r]/.test(text)) {
      throw new Error(`MultusRules.suppress: reason ${JSON.stringify(reason)} must be a non-empty text without commas or line breaks; ` +
        `say why ${ruleId} does not apply to this object`);
    }
    const objects = scope instanceof ApiObject ? [scope] : scope.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);
    if (objects.length === 0) {
      throw new Error(`MultusRules.suppress: ${scope.node.path} holds no ApiObject to annotate; pass the construct that writes the object`);
    }
    for (const o of objects) {
      const current: unknown = o.metadata.toJson().annotations?.[SUPPRESSION_ANNOTATION];
      const kept = typeof current === 'string'
        ? current.split(/[,\n]/).map((e) => e.trim()).filter((e) => e !== '' && e.split('=')[0].trim() !== ruleId)
        : [];
      o.metadata.addAnnotation(SUPPRESSION_ANNOTATION, [...kept, `${ruleId}=${text}`].join(','));
    }
  }

  /** One line for a suppressed finding: the finding, and the reason it is suppressed. */
  public static formatSuppressed(finding: SuppressedFinding): string {
    return `${MultusRules.format(finding)} Suppressed: ${finding.reason}.`;
  }

  /** One line for what a rule could not judge: where, which rule, which field, what is missing. */
  public static formatNotJudged(note: NotJudged): string {
    const ns = note.namespace ? `${note.namespace}/` : '';
    const where = note.source ? `[${note.source}] ` : '';
    return `${where}${note.ruleId} (not judged) ${note.kind} ${ns}${note.name} ${note.field}: ${note.missing}.`;
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

/** The ids that suppression annotations may name: every rule of the engine (whichever run) but suppression-valid. */
const RULE_IDS: readonly string[] = RULES.filter((r) => !r.unsuppressible).map((r) => r.id);
