// Generates src/apiserver/openapi/schemas.json — the OpenAPI component
// schemas of the built-in kinds — from the type declarations of the
// `kubernetes-types` package (its interfaces carry upstream's field docs).
// Run: node --import tsx scripts/generate-openapi-schemas.ts
import ts from "typescript";
import { readdirSync, statSync, writeFileSync } from "node:fs";
import { join, relative, dirname } from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const root = dirname(require.resolve("kubernetes-types/package.json"));

/** The Go package prefix upstream's schema names use for each folder of kubernetes-types. */
function packageName(file: string): string {
  const rel = relative(root, file).replace(/\.d\.ts$/, "");
  const special: Record<string, string> = {
    "meta/v1": "io.k8s.apimachinery.pkg.apis.meta.v1",
    runtime: "io.k8s.apimachinery.pkg.runtime",
    "api/resource": "io.k8s.apimachinery.pkg.api.resource",
    "util/intstr": "io.k8s.apimachinery.pkg.util.intstr",
    version: "io.k8s.apimachinery.pkg.version",
  };
  if (special[rel]) return special[rel];
  if (rel.startsWith("apiextensions/")) return `io.k8s.apiextensions-apiserver.pkg.apis.${rel.replace("/", ".")}`;
  return `io.k8s.api.${rel.replace(/\//g, ".")}`;
}

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith(".d.ts") && n !== "index.d.ts" ? [p] : [];
  });
}

type Schema = Record<string, unknown>;
const schemas: Record<string, Schema> = {};
const all = files(root);
const program = ts.createProgram(all, { noEmit: true });
const checker = program.getTypeChecker();

function docOf(node: ts.Node): string | undefined {
  const symbol = (node as ts.NamedDeclaration).name ? checker.getSymbolAtLocation((node as ts.NamedDeclaration).name!) : undefined;
  const text = symbol ? ts.displayPartsToString(symbol.getDocumentationComment(checker)) : "";
  return text === "" ? undefined : text;
}

function refName(decl: ts.Declaration): string {
  const file = decl.getSourceFile().fileName;
  return `${packageName(file)}.${(decl as ts.NamedDeclaration).name!.getText()}`;
}

function schemaOfType(node: ts.TypeNode): Schema {
  if (ts.isArrayTypeNode(node)) return { type: "array", items: schemaOfType(node.elementType) };
  if (ts.isTypeReferenceNode(node)) {
    const name = node.typeName.getText();
    if (name === "Array" && node.typeArguments?.[0]) return { type: "array", items: schemaOfType(node.typeArguments[0]) };
    if (name === "Record" || name === "Partial") {
      const value = node.typeArguments?.[1];
      return { type: "object", additionalProperties: value ? schemaOfType(value) : {} };
    }
    const symbol = checker.getSymbolAtLocation(node.typeName);
    const target = symbol && symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    const decl = target?.declarations?.[0];
    if (decl) return { $ref: `#/components/schemas/${refName(decl)}` };
    return {};
  }
  if (ts.isTypeLiteralNode(node)) {
    const index = node.members.find(ts.isIndexSignatureDeclaration);
    if (index) return { type: "object", additionalProperties: schemaOfType(index.type) };
    return { type: "object" };
  }
  if (ts.isUnionTypeNode(node)) {
    const kinds = node.types.map((t) => t.kind);
    if (kinds.includes(ts.SyntaxKind.NumberKeyword) && kinds.includes(ts.SyntaxKind.StringKeyword)) {
      return { type: "string", format: "int-or-string", "x-kubernetes-int-or-string": true };
    }
    return schemaOfType(node.types[0]!);
  }
  if (ts.isLiteralTypeNode(node)) return { type: "string" };
  switch (node.kind) {
    case ts.SyntaxKind.StringKeyword:
      return { type: "string" };
    case ts.SyntaxKind.NumberKeyword:
      return { type: "integer" };
    case ts.SyntaxKind.BooleanKeyword:
      return { type: "boolean" };
    default:
      return {};
  }
}

// Go types whose JSON form is a plain string or number, as upstream describes them.
const formats: Record<string, Schema> = {
  "io.k8s.apimachinery.pkg.apis.meta.v1.Time": { type: "string", format: "date-time" },
  "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime": { type: "string", format: "date-time" },
  "io.k8s.apimachinery.pkg.api.resource.Quantity": { type: "string" },
  "io.k8s.apimachinery.pkg.util.intstr.IntOrString": { type: "string", format: "int-or-string", "x-kubernetes-int-or-string": true },
};

for (const sf of program.getSourceFiles()) {
  if (!sf.fileName.startsWith(root)) continue;
  for (const stmt of sf.statements) {
    if (ts.isInterfaceDeclaration(stmt)) {
      const name = refName(stmt);
      const properties: Record<string, Schema> = {};
      const required: string[] = [];
      let group: string | undefined;
      let version: string | undefined;
      let kind: string | undefined;
      for (const m of stmt.members) {
        if (!ts.isPropertySignature(m) || !m.type) continue;
        const prop = m.name.getText().replace(/^"|"$/g, "");
        if (prop === "apiVersion" && ts.isLiteralTypeNode(m.type) && ts.isStringLiteral(m.type.literal)) {
          const gv = m.type.literal.text;
          [group, version] = gv.includes("/") ? (gv.split("/") as [string, string]) : ["", gv];
        }
        if (prop === "kind" && ts.isLiteralTypeNode(m.type) && ts.isStringLiteral(m.type.literal)) kind = m.type.literal.text;
        const s = schemaOfType(m.type);
        const doc = docOf(m);
        properties[prop] = doc ? (s["$ref"] ? { allOf: [s], description: doc } : { ...s, description: doc }) : s;
        if (!m.questionToken) required.push(prop);
      }
      const schema: Schema = { type: "object", properties };
      const doc = docOf(stmt);
      if (doc) schema["description"] = doc;
      if (required.length > 0) schema["required"] = required.sort();
      if (kind !== undefined && version !== undefined) {
        schema["x-kubernetes-group-version-kind"] = [{ group, version, kind }];
      }
      schemas[name] = schema;
    } else if (ts.isTypeAliasDeclaration(stmt)) {
      const name = refName(stmt);
      const s = formats[name] ?? schemaOfType(stmt.type);
      const doc = docOf(stmt);
      schemas[name] = doc ? { ...s, description: doc } : s;
    }
  }
}

const out = join(dirname(new URL(import.meta.url).pathname), "../src/apiserver/openapi/schemas.json");
writeFileSync(out, JSON.stringify(Object.fromEntries(Object.entries(schemas).sort(([a], [b]) => (a < b ? -1 : 1)))) + "\n");
console.log(`wrote ${Object.keys(schemas).length} schemas to ${out}`);
