// The patch metadata strategic merge patch reads: for each field, upstream's
// `patchStrategy` and `patchMergeKey` struct tags. A schema is a table of Go
// types (package-qualified, e.g. "core/v1.PodSpec") that lists only the
// fields whose behaviour differs from the default or that lead to such
// fields; every other field merges as a map or is replaced as a list.

import { builtinPatchKinds, builtinPatchTypes } from "./builtin-patch-types.ts";

export type PatchStrategy = "merge" | "replace";

/** What the tags of one field say, as a patch reads it. */
export interface FieldPatchMeta {
  /** "merge": a list merges (objects by mergeKey, primitives as a set); "replace": an object is replaced whole. Absent: a list is replaced whole, an object merges. */
  readonly strategy?: PatchStrategy;
  /** The member that identifies an element of a merged list of objects. */
  readonly mergeKey?: string;
  /** A union-like value: kubectl apply clears its unset members with `$retainKeys`. */
  readonly retainKeys: boolean;
  /** The schema of the value (of each element, for a list), when it has fields of note. */
  readonly schema?: PatchMeta;
}

export interface PatchMeta {
  /** The Go type this schema describes, for messages. */
  readonly typeName: string;
  field(name: string): FieldPatchMeta | undefined;
}

/** One field of a type table: the tags, and the type of the value (or of each element) when the table describes it. */
export interface PatchFieldSpec {
  readonly strategy?: PatchStrategy;
  readonly mergeKey?: string;
  readonly retainKeys?: boolean;
  readonly type?: string;
}

export type PatchTypeTable = Readonly<Record<string, Readonly<Record<string, PatchFieldSpec>>>>;

/** The schema of `typeName` in `table`; a field whose type the table lacks gets no schema. */
export function patchMetaFromTable(table: PatchTypeTable, typeName: string): PatchMeta {
  return {
    typeName,
    field(name) {
      const fields = table[typeName];
      const spec = fields !== undefined && Object.hasOwn(fields, name) ? fields[name] : undefined;
      if (spec === undefined) return undefined;
      const schema = spec.type !== undefined && Object.hasOwn(table, spec.type) ? patchMetaFromTable(table, spec.type) : undefined;
      return { strategy: spec.strategy, mergeKey: spec.mergeKey, retainKeys: spec.retainKeys ?? false, schema };
    },
  };
}

/**
 * The strategic merge patch schema of a built-in kind (group "" for the core
 * group), or undefined when the kind has none (custom resources: upstream
 * answers such a patch with 415 Unsupported Media Type).
 */
export function patchMetaFor(group: string, version: string, kind: string): PatchMeta | undefined {
  const key = `${group}/${version}/${kind}`;
  const typeName = Object.hasOwn(builtinPatchKinds, key) ? builtinPatchKinds[key] : undefined;
  return typeName === undefined ? undefined : patchMetaFromTable(builtinPatchTypes, typeName);
}
