import { ApiObject, App, Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { ICniNodeLayout, layoutKey } from './layout/layout';
import { ManifestObject, Severity } from './rules/finding';
import { MultusRules } from './rules/multus-rules';

const ID = 'cdk8s-multus.Validation';

/**
 * One per app: runs the rule engine over every object of the app when it is synthesized, and
 * fails the synth with every error at once. Objects are judged as they will be written.
 *
 * cdk8s validates the whole app once per `synth()`/`synthYaml()` call and again for every chart
 * it writes. Each such call is one synthesis here: the objects are serialized once, the rules run
 * once, and the JSON judged is the JSON written. Nothing is kept past the call that began it, so
 * the next synthesis (after a change, or after a failed one) judges and writes the app afresh.
 */
export class AppValidator extends Construct {
  /** The validator of the app that `scope` belongs to, created on first use. */
  public static of(scope: IConstruct): AppValidator {
    const root = scope.node.root;
    const validator = (root.node.tryFindChild(ID) as AppValidator | undefined) ?? new AppValidator(root as App);
    // The charts that hold `scope`: those above its parent are looked up once per parent.
    const parent = scope.node.scope;
    if (!parent || !validator.scopesSeen.has(parent)) {
      scope.node.scopes.filter(Chart.isChart).forEach((c) => validator.bracket(c, 'toJson'));
      if (parent) validator.scopesSeen.add(parent);
    } else if (Chart.isChart(scope)) {
      validator.bracket(scope, 'toJson');
    }
    return validator;
  }

  /**
   * Every construct of the app of `scope`. Within a synthesis the tree cannot change, so the list
   * is found once and shared by the validation and by the lazy values that read the whole app.
   */
  public static constructsOf(scope: IConstruct): IConstruct[] {
    const root = scope.node.root;
    const validator = root.node.tryFindChild(ID) as AppValidator | undefined;
    return validator?.synthesis?.constructs(root) ?? root.node.findAll();
  }

  /**
   * Layouts, keyed by what they say about the node (two default K3sCniPaths are one layout), with
   * the constructs that deploy onto nodes of that layout (judged only against it).
   */
  private readonly layouts = new Map<string, { layout: ICniNodeLayout; owners: Set<IConstruct> }>();

  /** The synthesis under way, if any. */
  private synthesis?: Synthesis;

  /** Scopes whose charts are bracketed already. */
  private readonly scopesSeen = new WeakSet<IConstruct>();

  /** Synth entry points already made into one synthesis each, per object. */
  private readonly bracketed = new WeakMap<object, Set<string>>();

  private constructor(app: App) {
    super(app, ID);
    this.node.addValidation({ validate: () => this.validate() });
    this.bracket(app, 'synth');
    this.bracket(app, 'synthYaml');
  }

  /** Judge `owner`'s objects against `layout` (and only against it). */
  public register(layout: ICniNodeLayout, owner?: IConstruct): void {
    const key = layoutKey(layout);
    const entry = this.layouts.get(key) ?? { layout, owners: new Set<IConstruct>() };
    if (owner) entry.owners.add(owner);
    this.layouts.set(key, entry);
  }

  /**
   * Makes each call of `target[method]` (a synth entry point of the app or of one chart) one
   * synthesis; the calls cdk8s makes inside it (each chart's toJson) are part of it.
   */
  private bracket(target: any, method: string): void {
    const done = this.bracketed.get(target) ?? new Set<string>();
    if (done.has(method)) return;
    done.add(method);
    this.bracketed.set(target, done);
    const own = target[method];
    const validator = this;
    Object.defineProperty(target, method, {
      configurable: true,
      writable: true,
      value: function (this: any, ...args: any[]) {
        if (validator.synthesis) return own.apply(this, args);
        const synthesis = new Synthesis();
        validator.synthesis = synthesis;
        try {
          return own.apply(this, args);
        } finally {
          validator.synthesis = undefined;
          synthesis.end();
        }
      },
    });
  }

  private validate(): string[] {
    const synthesis = this.synthesis;
    // Within one synthesis no user code runs between cdk8s's validations: the verdict stands.
    if (synthesis?.errors) return synthesis.errors;
    const all = AppValidator.constructsOf(this);
    // A chart written on its own (Testing.synth) becomes a synthesis of its own from now on.
    all.filter(Chart.isChart).forEach((c) => this.bracket(c, 'toJson'));
    const objects = all
      .filter((c): c is ApiObject => c instanceof ApiObject)
      .map((o) => ({ construct: o, manifest: synthesis ? synthesis.serialize(o) : o.toJson(), source: o.node.path }));
    const errors: string[] = [];
    const seen = new Set<string>();
    // With no layout in the app (networks without Multus), the rules that need none still judge it.
    const verdicts = this.layouts.size === 0
      ? [MultusRules.checkManifests(objects.map(({ manifest, source }) => ({ manifest, source })))]
      : [...this.layouts].map(([key, { layout, owners }]) => {
        // Objects deployed for another layout's nodes are not judged against this one.
        const foreign = [...this.layouts].filter(([k]) => k !== key).flatMap(([, e]) => [...e.owners]);
        const input: ManifestObject[] = objects
          .filter((o) => !foreign.some((f) => isWithin(o.construct, f)) || [...owners].some((f) => isWithin(o.construct, f)))
          .map(({ manifest, source }) => ({ manifest, source }));
        return MultusRules.check(input, layout);
      });
    // With several layouts each judges only its own objects: the rules that need no layout also judge
    // the whole app once (an object written for two layouts is one object to the API server).
    if (this.layouts.size > 1) verdicts.push(MultusRules.checkManifests(objects.map(({ manifest, source }) => ({ manifest, source }))));
    for (const findings of verdicts) {
      for (const f of findings) {
        const line = MultusRules.format(f);
        if (seen.has(line)) continue;
        seen.add(line);
        if (f.severity === Severity.ERROR) errors.push(line);
        else process.stderr.write(`cdk8s-multus warning: ${line}\n`);
      }
    }
    if (synthesis) synthesis.errors = errors;
    return errors;
  }
}

/**
 * One synthesis: each object is serialized once, when it is first judged, and every `toJson()`
 * call until the synthesis ends (the writing of the charts) is handed that same JSON, so that
 * checking does not double the cost of serializing. At the end each object's own `toJson` returns.
 */
class Synthesis {
  /** The verdict of the first validation. */
  public errors?: string[];
  private readonly objects = new Map<ApiObject, PropertyDescriptor | undefined>();
  private all?: IConstruct[];

  public constructs(root: IConstruct): IConstruct[] {
    this.all ??= root.node.findAll();
    return this.all;
  }

  public serialize(o: ApiObject): any {
    const json = o.toJson();
    if (this.objects.has(o)) return json;
    this.objects.set(o, Object.getOwnPropertyDescriptor(o, 'toJson'));
    Object.defineProperty(o, 'toJson', { configurable: true, writable: true, value: () => json });
    return json;
  }

  public end(): void {
    for (const [o, own] of this.objects) {
      if (own) Object.defineProperty(o, 'toJson', own);
      else delete (o as any).toJson;
    }
    this.objects.clear();
  }
}

function isWithin(c: IConstruct, ancestor: IConstruct): boolean {
  return c.node.scopes.includes(ancestor);
}
