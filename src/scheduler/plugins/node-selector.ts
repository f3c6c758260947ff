// Node selector terms (node affinity) compiled once per pod into plain
// checks: terms are ORed, requirements within a term ANDed.
import type { NodeSelectorRequirement, NodeSelectorTerm } from "kubernetes-types/core/v1";
import type { NodeInfo } from "../framework/node-info.ts";

type Check = (nodeInfo: NodeInfo) => boolean;

const NEVER: Check = () => false;

/** Mirrors Go's strconv.ParseInt for the Gt and Lt operators. */
function parseInteger(text: string): number | undefined {
  return /^[+-]?[0-9]+$/.test(text) ? Number(text) : undefined;
}

function labelCheck(requirement: NodeSelectorRequirement): Check {
  const { key, operator } = requirement;
  const values = requirement.values ?? [];
  switch (operator) {
    case "In": {
      if (values.length === 0) return NEVER;
      const allowed = new Set(values);
      return (node) => {
        const value = node.labels[key];
        return value !== undefined && allowed.has(value);
      };
    }
    case "NotIn": {
      if (values.length === 0) return NEVER;
      const denied = new Set(values);
      return (node) => {
        const value = node.labels[key];
        return value === undefined || !denied.has(value);
      };
    }
    case "Exists":
      return values.length === 0 ? (node) => Object.hasOwn(node.labels, key) : NEVER;
    case "DoesNotExist":
      return values.length === 0 ? (node) => !Object.hasOwn(node.labels, key) : NEVER;
    case "Gt":
    case "Lt": {
      const bound = values.length === 1 ? parseInteger(values[0] as string) : undefined;
      if (bound === undefined) return NEVER;
      return (node) => {
        const text = node.labels[key];
        const actual = text === undefined ? undefined : parseInteger(text);
        if (actual === undefined) return false;
        return operator === "Gt" ? actual > bound : actual < bound;
      };
    }
    default:
      return NEVER;
  }
}

/** Only metadata.name can be matched as a field, with In or NotIn on one value. */
function fieldCheck(requirement: NodeSelectorRequirement): Check {
  const values = requirement.values ?? [];
  if (requirement.key !== "metadata.name" || values.length !== 1) return NEVER;
  const [name] = values;
  if (requirement.operator === "In") return (node) => node.name === name;
  if (requirement.operator === "NotIn") return (node) => node.name !== name;
  return NEVER;
}

/** An empty term, or one with an invalid requirement, matches no node. */
export function compileNodeSelectorTerm(term: NodeSelectorTerm): Check {
  const expressions = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (expressions.length === 0 && fields.length === 0) return NEVER;
  const checks = [...expressions.map(labelCheck), ...fields.map(fieldCheck)];
  if (checks.includes(NEVER)) return NEVER;
  return (node) => {
    for (const check of checks) if (!check(node)) return false;
    return true;
  };
}

export function compileNodeSelectorTerms(terms: readonly NodeSelectorTerm[]): Check {
  const checks = terms.map(compileNodeSelectorTerm).filter((check) => check !== NEVER);
  if (checks.length === 0) return NEVER;
  return (node) => {
    for (const check of checks) if (check(node)) return true;
    return false;
  };
}

export type { Check as NodeCheck };
