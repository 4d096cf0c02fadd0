import { ICniNodeLayout, K3sLayout, StandardLayout } from './layout';
import { readManifests } from './lint/cli';
import { Finding, Severity } from './rules/finding';
import { MultusRules } from './rules/multus-rules';

/**
 * Props for `MultusValidation`, given as `properties` of the plugin in `cdk8s.yaml`.
 */
export interface MultusValidationProps {
  /**
   * The node layout the manifests deploy onto: `k3s` or `standard`.
   * @default "k3s"
   */
  readonly distro?: string;
  /**
   * k3s's `--data-dir`, with `distro: k3s`.
   * @default "/var/lib/rancher/k3s"
   */
  readonly dataDir?: string;
  /**
   * Fail `cdk8s synth` on warnings as well as on errors.
   * @default false
   */
  readonly failOnWarning?: boolean;
}

/** Where a violating resource is: its name, the fields at fault, and the manifest file. */
export interface ValidationViolatingResource {
  /** The resource's `metadata.name`, by which the cdk8s CLI finds its construct path. */
  readonly resourceName: string;
  /** The fields at fault. */
  readonly locations: string[];
  /** The manifest file the resource is written in. */
  readonly manifestPath: string;
}

/** One violated rule, in the form the cdk8s CLI's validation report takes. */
export interface ValidationViolation {
  /** The rule's id and severity. */
  readonly ruleName: string;
  /** What goes wrong on the node. */
  readonly recommendation: string;
  /** How to fix it. */
  readonly fix: string;
  /** The resources that violate it. */
  readonly violatingResources: ValidationViolatingResource[];
}

/** The part of the cdk8s CLI's validation report that a plugin writes to. */
export interface IValidationReport {
  /** Adds one violation. */
  addViolation(violation: ValidationViolation): void;
  /** Ends the report: `success` or `failure`. */
  submit(status: string, metadata?: { [key: string]: string }): void;
}

/** The part of the cdk8s CLI's validation context that a plugin reads. */
export interface IValidationContext {
  /** The manifest files `cdk8s synth` wrote. */
  readonly manifests: string[];
  /** The report to fill in. */
  readonly report: IValidationReport;
}

/**
 * A validation plugin for the cdk8s CLI: `cdk8s synth` runs this library's rules on every manifest
 * the app writes, however it made them (the rke2-multus chart through cdk8s's `Helm` construct,
 * upstream YAML through `Include`, plain `ApiObject`s). Name it in `cdk8s.yaml`:
 *
 * ```yaml
 * validations:
 *   - package: cdk8s-multus
 *     version: <the version in your package.json>
 *     class: MultusValidation
 *     properties:
 *       distro: k3s
 * ```
 *
 * The CLI reports each violation with the construct path of the object at fault, and fails the
 * synth on any error (and on warnings with `failOnWarning`).
 */
export class MultusValidation {
  private readonly layout: ICniNodeLayout;
  private readonly failOnWarning: boolean;

  public constructor(props: MultusValidationProps = {}) {
    const distro = props.distro ?? 'k3s';
    if (distro !== 'k3s' && distro !== 'standard') {
      throw new Error(`MultusValidation: distro must be "k3s" or "standard", got ${JSON.stringify(distro)}; set properties.distro in cdk8s.yaml`);
    }
    if (props.dataDir !== undefined && distro !== 'k3s') {
      throw new Error(`MultusValidation: dataDir ${JSON.stringify(props.dataDir)} applies to distro "k3s" only; remove it or set distro: k3s`);
    }
    this.layout = distro === 'k3s' ? new K3sLayout({ dataDir: props.dataDir }) : new StandardLayout();
    this.failOnWarning = props.failOnWarning ?? false;
  }

  /** Judges the manifests and fills in the report; called by `cdk8s synth`. */
  public async validate(context: IValidationContext): Promise<void> {
    const { objects, unreadable } = readManifests([...context.manifests]);
    const findings = MultusRules.check(objects, this.layout);
    const byRule = new Map<string, Finding[]>();
    for (const f of findings) byRule.set(f.ruleId, [...(byRule.get(f.ruleId) ?? []), f]);
    for (const [ruleId, list] of byRule) {
      context.report.addViolation({
        ruleName: `${ruleId} (${list[0].severity})`,
        recommendation: unique(list.map((f) => `${f.kind} ${f.name} ${f.field}: ${f.message} (found ${f.found}; expected ${f.expected})`)).join('\n'),
        fix: unique(list.map((f) => f.fix)).join('\n'),
        violatingResources: list.map((f) => ({
          resourceName: f.name,
          locations: [f.field],
          manifestPath: f.source?.replace(/:\d+$/, '') ?? '',
        })),
      });
    }
    for (const problem of unreadable) {
      context.report.addViolation({
        ruleName: 'unreadable-manifest (error)',
        recommendation: problem,
        fix: 'make the app write manifests that are UTF-8 YAML or JSON',
        violatingResources: [],
      });
    }
    const errors = findings.filter((f) => f.severity === Severity.ERROR).length;
    const warnings = findings.length - errors;
    const failed = errors > 0 || unreadable.length > 0 || (this.failOnWarning && warnings > 0);
    context.report.submit(failed ? 'failure' : 'success', {
      layout: `${this.layout.layoutName}: ${this.layout.confDir}, ${this.layout.binDir}`,
      objects: String(objects.length),
      errors: String(errors),
      warnings: String(warnings),
    });
  }
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}
