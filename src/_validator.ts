import { ApiObject, App } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import type { ICniNodeLayout } from './cni-paths';
import { ManifestObject, Severity } from './rules/finding';
import { MultusRules } from './rules/multus-rules';

const ID = 'cdk8s-multus.Validation';

/**
 * One per app: runs the rule engine over every object of the app when it is synthesized, and
 * fails the synth with every error at once. Objects are judged as they will be written.
 */
export class AppValidator extends Construct {
  /** The validator of the app that `scope` belongs to, created on first use. */
  public static of(scope: IConstruct): AppValidator {
    const root = scope.node.root;
    return (root.node.tryFindChild(ID) as AppValidator | undefined) ?? new AppValidator(root as App);
  }

  /**
   * Layouts, keyed by what they say about the node (two default K3sCniPaths are one layout), with
   * the constructs that deploy onto nodes of that layout (judged only against it).
   */
  private readonly layouts = new Map<string, { layout: ICniNodeLayout; owners: Set<IConstruct> }>();

  private constructor(app: App) {
    super(app, ID);
    this.node.addValidation({ validate: () => this.validate() });
  }

  /** Judge `owner`'s objects against `layout` (and only against it). */
  public register(layout: ICniNodeLayout, owner?: IConstruct): void {
    const key = layoutKey(layout);
    const entry = this.layouts.get(key) ?? { layout, owners: new Set<IConstruct>() };
    if (owner) entry.owners.add(owner);
    this.layouts.set(key, entry);
  }

  private validate(): string[] {
    const root = this.node.root;
    if (this.layouts.size === 0) return [];
    const objects = root.node.findAll()
      .filter((c): c is ApiObject => c instanceof ApiObject)
      .map((o) => ({ construct: o, manifest: serializeOnce(o), source: o.node.path }));
    const errors: string[] = [];
    const seen = new Set<string>();
    for (const [key, { layout, owners }] of this.layouts) {
      // Objects deployed for another layout's nodes are not judged against this one.
      const foreign = [...this.layouts].filter(([k]) => k !== key).flatMap(([, e]) => [...e.owners]);
      const input: ManifestObject[] = objects
        .filter((o) => !foreign.some((f) => isWithin(o.construct, f)) || [...owners].some((f) => isWithin(o.construct, f)))
        .map(({ manifest, source }) => ({ manifest, source }));
      for (const f of MultusRules.check(input, layout)) {
        const line = MultusRules.format(f);
        if (seen.has(line)) continue;
        seen.add(line);
        if (f.severity === Severity.ERROR) errors.push(line);
        else process.stderr.write(`cdk8s-multus warning: ${line}\n`);
      }
    }
    return errors;
  }
}

/**
 * Serializes an object for the rules and hands the same JSON to the next `toJson()` call, which is
 * the synth that follows validation, so that checking does not double the cost of serializing.
 * The object's own `toJson` is restored after that one call.
 */
function serializeOnce(o: ApiObject): any {
  const json = o.toJson();
  const own = Object.getOwnPropertyDescriptor(o, 'toJson');
  Object.defineProperty(o, 'toJson', {
    configurable: true,
    writable: true,
    value: () => {
      if (own) Object.defineProperty(o, 'toJson', own);
      else delete (o as any).toJson;
      return json;
    },
  });
  return json;
}

/** What a layout says about the node, as one string: equal layouts judge alike. */
function layoutKey(l: ICniNodeLayout): string {
  return JSON.stringify([l.layoutName, l.confDir.path, l.binDir.path, l.binDirMountRoot.path, [...l.bundledPlugins].sort(),
    l.primaryNetworkConfigFile, l.primaryNetworkName, l.primaryNetworkCniVersion, l.readinessIndicatorFile?.path,
    l.primaryConfigManagedByDistribution]);
}

function isWithin(c: IConstruct, ancestor: IConstruct): boolean {
  return c.node.scopes.includes(ancestor);
}
