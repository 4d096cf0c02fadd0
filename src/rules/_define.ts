import { Model, Obj } from './_model';
import { readSuppressions } from './_suppress';
import { Finding, NotJudged, Severity, SuppressedFinding, Verdict } from './finding';

/** What a rule says about one object: the rest of a finding is filled in by `defineRule`. */
export type FindingDetails = Pick<Finding, 'field' | 'found' | 'expected' | 'message' | 'fix'>;

/** Makes a finding of the rule being checked against `obj`, with the rule's id and severity. */
export type Report = (obj: Obj, details: FindingDetails) => Finding;

/**
 * Notes that the rule being checked cannot judge `field` of `obj` from this input, and what is
 * missing: the third outcome, besides a finding and silence.
 */
export type CannotJudge = (obj: Obj, details: Pick<NotJudged, 'field' | 'missing'>) => void;

/** A rule as it is written: what it checks, and the check itself. */
export interface RuleDefinition {
  /** The stable id, as it appears in findings and suppressions. */
  readonly id: string;
  readonly severity: Severity;
  /** What it checks, for the rules reference. */
  readonly summary: string;
  /** The failure seen in the field that it answers. */
  readonly catches: string;
  /**
   * Whether the rule judges the manifests alone, without the node's layout (a NAD's config, an
   * attachment). Such rules run in every app that has a network, with or without a layout in it.
   */
  readonly layoutIndependent?: boolean;
  /** Whether a suppression annotation can hide its findings (not for the rule that judges suppressions). */
  readonly unsuppressible?: boolean;
  readonly check: (model: Model, report: Report, cannotJudge: CannotJudge) => Finding[];
}

/** What one rule said about a model: its findings, each with the object it is about, and what it could not judge. */
export interface RuleOutcome {
  readonly findings: { readonly finding: Finding; readonly obj: Obj }[];
  readonly notJudged: NotJudged[];
}

/** A rule ready to run over a model. */
export interface Rule extends Omit<RuleDefinition, 'check'> {
  readonly check: (model: Model) => RuleOutcome;
}

/** One rule: its findings carry its id and severity, stated here once. */
export function defineRule(definition: RuleDefinition): Rule {
  const { check, ...info } = definition;
  return {
    ...info,
    check: (model) => {
      const about = new Map<Finding, Obj>();
      const notJudged: NotJudged[] = [];
      const report: Report = (obj, details) => {
        const finding: Finding = {
          ruleId: info.id, severity: info.severity, kind: obj.kind, namespace: obj.namespace, name: obj.name, source: obj.source, ...details,
        };
        about.set(finding, obj);
        return finding;
      };
      const cannotJudge: CannotJudge = (obj, details) => {
        notJudged.push({ ruleId: info.id, kind: obj.kind, namespace: obj.namespace, name: obj.name, source: obj.source, ...details });
      };
      const findings = check(model, report, cannotJudge).map((finding) => ({ finding, obj: about.get(finding)! }));
      return { findings, notJudged };
    },
  };
}

/**
 * Runs rules over a model: the one place where suppressions are honoured, for synth and lint
 * alike. A finding is suppressed only by an annotation on the object it is reported against.
 */
export function judge(model: Model, rules: Rule[]): Verdict {
  const known = new Set(model.suppressible);
  const findings: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  const notJudged: NotJudged[] = [];
  for (const rule of rules) {
    const outcome = rule.check(model);
    notJudged.push(...outcome.notJudged);
    for (const { finding, obj } of outcome.findings) {
      const entry = rule.unsuppressible || !obj ? undefined : readSuppressions(obj.manifest, known).entries.find((s) => s.ruleId === rule.id);
      if (entry) suppressed.push({ ...finding, reason: entry.reason });
      else findings.push(finding);
    }
  }
  return { findings, suppressed, notJudged };
}
