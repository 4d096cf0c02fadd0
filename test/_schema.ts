import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import * as ts from 'typescript';

/**
 * Checks synthesized Kubernetes objects against the 1.27 schema of kubernetes-models.
 *
 * Types come from the model's own validate() (ajv, compiled ahead of time). That compiled
 * code keeps no schema objects and drops some properties (description, x-kubernetes-*), so
 * unknown fields are found with the OpenAPI definitions as kubernetes-models renders them
 * in its .d.ts files: one interface per definition, its members are `properties`, imports
 * are `$ref`s, `Array<T>` is `items` and `{ [key: string]: T }` is `additionalProperties`.
 */

/** The part of an OpenAPI schema that the unknown-field walk follows. */
interface Schema {
  readonly $ref?: string;
  readonly properties?: Record<string, Schema>;
  readonly items?: Schema;
  readonly additionalProperties?: Schema;
}

interface ModelClass {
  readonly apiVersion?: string;
  readonly kind?: string;
  new (data: object): { validate(): void };
}

interface DtsFile {
  readonly decls: Map<string, ts.InterfaceDeclaration | ts.TypeAliasDeclaration>;
  readonly imports: Map<string, { from: string; name: string }>;
  readonly aliases: Map<string, string>;
}

const load = createRequire(__filename);
const files = new Map<string, DtsFile>();
const definitions = new Map<string, Schema>();
const models = new Map<string, { model: ModelClass; schema: Schema } | undefined>();

/** The .d.ts beside the module that `spec` names, seen from `fromDir`. */
function dtsOf(spec: string, fromDir: string): string {
  return spec.startsWith('.') ? resolve(fromDir, `${spec}.d.ts`) : load.resolve(spec, { paths: [fromDir] }).replace(/\.js$/, '.d.ts');
}

function parse(file: string): DtsFile {
  let parsed = files.get(file);
  if (parsed) return parsed;
  parsed = { decls: new Map(), imports: new Map(), aliases: new Map() };
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest);
  for (const s of source.statements) {
    if (ts.isInterfaceDeclaration(s) || ts.isTypeAliasDeclaration(s)) parsed.decls.set(s.name.text, s);
    if (ts.isImportDeclaration(s) && s.importClause?.namedBindings && ts.isNamedImports(s.importClause.namedBindings)) {
      const from = dtsOf((s.moduleSpecifier as ts.StringLiteral).text, dirname(file));
      for (const el of s.importClause.namedBindings.elements) parsed.imports.set(el.name.text, { from, name: (el.propertyName ?? el.name).text });
    }
    if (ts.isExportDeclaration(s) && !s.moduleSpecifier && s.exportClause && ts.isNamedExports(s.exportClause)) {
      for (const el of s.exportClause.elements) if (el.propertyName) parsed.aliases.set(el.name.text, el.propertyName.text);
    }
  }
  files.set(file, parsed);
  return parsed;
}

function objectSchema(members: ts.NodeArray<ts.TypeElement>, file: string): Schema {
  const properties: Record<string, Schema> = {};
  for (const m of members) {
    if (ts.isIndexSignatureDeclaration(m)) return { additionalProperties: typeSchema(m.type, file) };
    if (ts.isPropertySignature(m)) properties[(m.name as ts.StringLiteral).text] = typeSchema(m.type, file);
  }
  // A definition without properties (JSON, RawExtension, FieldsV1, ...) is open.
  return Object.keys(properties).length ? { properties } : {};
}

function typeSchema(node: ts.TypeNode | undefined, file: string): Schema {
  if (!node) return {};
  if (ts.isParenthesizedTypeNode(node)) return typeSchema(node.type, file);
  if (ts.isArrayTypeNode(node)) return { items: typeSchema(node.elementType, file) };
  if (ts.isTypeLiteralNode(node)) return objectSchema(node.members, file);
  if (ts.isTypeReferenceNode(node) && ts.isIdentifier(node.typeName)) {
    const name = node.typeName.text;
    return name === 'Array' ? { items: typeSchema(node.typeArguments?.[0], file) } : { $ref: `${file}#${name}` };
  }
  return {}; // scalars and unions of literals: their types are the model validator's job
}

/** Resolves a `$ref` of the form `<file.d.ts>#<name>` (cached). */
function definition(ref: string): Schema {
  let schema = definitions.get(ref);
  if (schema) return schema;
  const [file, name] = ref.split('#');
  // JSONSchemaPropsOrBool/OrArray/OrStringArray are "JSONSchemaProps or something else", and
  // kubernetes-models leaves them empty; walk their object form as JSONSchemaProps.
  const props = /JSONSchemaPropsOr\w+\.d\.ts$/.test(file);
  const src = props ? file.replace(/Or\w+\.d\.ts$/, '.d.ts') : file;
  const f = parse(src);
  const decl = f.decls.get(props ? 'IJSONSchemaProps' : f.aliases.get(name) ?? name);
  const imported = f.imports.get(name);
  if (decl) schema = ts.isInterfaceDeclaration(decl) ? objectSchema(decl.members, src) : typeSchema(decl.type, src);
  else schema = imported ? definition(`${imported.from}#${imported.name}`) : {};
  definitions.set(ref, schema);
  return schema;
}

/** Reports every field of `value` that `schema` does not declare. */
function unknownFields(value: unknown, schema: Schema, path: string, out: string[]): void {
  while (schema.$ref) schema = definition(schema.$ref);
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    // A JSONSchemaPropsOrArray may be a list of JSONSchemaProps: walk each with the same schema.
    const each = schema.items ?? (schema.properties ? schema : undefined);
    if (each) value.forEach((v, i) => unknownFields(v, each, `${path}[${i}]`, out));
    return;
  }
  for (const [key, v] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key;
    const { properties, additionalProperties } = schema;
    if (properties && !Object.hasOwn(properties, key)) out.push(`${at}: unknown field`);
    else if (properties) unknownFields(v, properties[key], at, out);
    else if (additionalProperties) unknownFields(v, additionalProperties, at, out);
  }
}

/** The errors of the model's own validate(), as `path: message`. */
function modelErrors(model: ModelClass, data: object, prefix: string): string[] {
  try {
    new model(data).validate();
    return [];
  } catch (e) {
    const errors = (e as { errors?: { instancePath: string; message?: string }[] }).errors;
    if (!errors) return [`${prefix || '(root)'}: ${(e as Error).message}`];
    return errors.map((err) => {
      const path = err.instancePath.split('/').slice(1)
        .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
        .reduce((acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), prefix);
      return `${path || '(root)'}: ${err.message}`;
    });
  }
}

/** The kubernetes-models class for apiVersion+kind, and its schema (cached). */
function modelFor(apiVersion: unknown, kind: unknown): { model: ModelClass; schema: Schema } | undefined {
  const key = `${apiVersion}/${kind}`;
  if (models.has(key)) return models.get(key);
  let found: { model: ModelClass; schema: Schema } | undefined;
  if (typeof apiVersion === 'string' && typeof kind === 'string'
    && /^([a-z0-9.-]+\/)?v\d+((alpha|beta)\d+)?$/.test(apiVersion) && /^[A-Z]\w*$/.test(kind)) {
    try {
      const file = load.resolve(`kubernetes-models/${apiVersion}/${kind}`);
      const model: ModelClass | undefined = load(file)[kind];
      if (model?.apiVersion === apiVersion && model.kind === kind) {
        found = { model, schema: { $ref: `${file.replace(/\.js$/, '.d.ts')}#I${kind}` } };
      }
    } catch {
      // no such module: no schema
    }
  }
  models.set(key, found);
  return found;
}

const OBJECT_META = dtsOf('@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta', dirname(load.resolve('kubernetes-models')));

/** Multus' CRD: apiVersion, kind, metadata and a spec with only a `config` string. */
function networkAttachmentDefinitionErrors(nad: any): string[] {
  const objectMeta: ModelClass = load(OBJECT_META.replace(/\.d\.ts$/, '.js')).ObjectMeta;
  const out = modelErrors(objectMeta, nad.metadata ?? {}, 'metadata');
  const { spec } = nad;
  if (spec !== undefined && (spec === null || typeof spec !== 'object' || Array.isArray(spec))) out.push('spec: must be object');
  else if (spec?.config !== undefined && typeof spec.config !== 'string') out.push('spec.config: must be string');
  const schema: Schema = { properties: { apiVersion: {}, kind: {}, metadata: { $ref: `${OBJECT_META}#IObjectMeta` }, spec: { properties: { config: {} } } } };
  unknownFields(nad, schema, '', out);
  return out;
}

/**
 * The schema errors of one Kubernetes object (as cdk8s synthesizes it) against Kubernetes 1.27:
 * type errors from the kubernetes-models validator, then every field the schema does not declare,
 * each as `path: message` (e.g. `spec.template.spec.hostPid: unknown field`). Empty when valid.
 */
export function schemaErrors(manifest: any): string[] {
  const { apiVersion, kind } = manifest ?? {};
  if (apiVersion === 'k8s.cni.cncf.io/v1' && kind === 'NetworkAttachmentDefinition') return networkAttachmentDefinitionErrors(manifest);
  const found = modelFor(apiVersion, kind);
  if (!found) return [`no schema for ${apiVersion}/${kind}`];
  const out = modelErrors(found.model, manifest, '');
  unknownFields(manifest, found.schema, '', out);
  return out;
}
