import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Pod } from "kubernetes-types/core/v1";
import type { PriorityClass } from "kubernetes-types/scheduling/v1";
import { builtinResources } from "../../api/registry.ts";
import { ApiError } from "../status.ts";
import type { AdmissionAttributes } from "./admission.ts";
import { priorityAdmission, systemPriorityClasses } from "./priority.ts";

const podsInfo = builtinResources.find((r) => r.group === "" && r.plural === "pods")!;
const classesInfo = builtinResources.find((r) => r.group === "scheduling.k8s.io" && r.plural === "priorityclasses")!;

const pc = (name: string, value: number, extra: Partial<PriorityClass> = {}): PriorityClass => ({ metadata: { name }, value, ...extra });
const high = pc("high", 1000, { preemptionPolicy: "PreemptLowerPriority" });
const polite = pc("polite", 500, { preemptionPolicy: "Never" });
const usual = pc("usual", 10, { globalDefault: true, preemptionPolicy: "PreemptLowerPriority" });
const lowDefault = pc("low-default", 5, { globalDefault: true, preemptionPolicy: "Never" });

const pod = (spec: Partial<NonNullable<Pod["spec"]>> = {}): Pod => ({ metadata: { name: "p", namespace: "ns" }, spec: { containers: [{ name: "c", image: "i" }], ...spec } });

function attributes(object: unknown, extra: Partial<AdmissionAttributes> = {}): AdmissionAttributes {
  return { operation: "CREATE", resource: podsInfo, subresource: "", namespace: "ns", name: "p", object: object as never, user: { name: "u", groups: [] }, dryRun: false, ...extra };
}

const plugin = (classes: PriorityClass[]) => priorityAdmission({ classes: async () => classes });
const resolved = (p: Pod) => ({ priorityClassName: p.spec?.priorityClassName, priority: p.spec?.priority, preemptionPolicy: p.spec?.preemptionPolicy });

describe("Priority admission of a new pod", () => {
  const cases: [string, PriorityClass[], Partial<NonNullable<Pod["spec"]>>, ReturnType<typeof resolved>][] = [
    ["no class, no default: priority 0", [high], {}, { priorityClassName: undefined, priority: 0, preemptionPolicy: "PreemptLowerPriority" }],
    ["no class: the global default", [high, usual], {}, { priorityClassName: "usual", priority: 10, preemptionPolicy: "PreemptLowerPriority" }],
    ["two defaults: the lower one", [usual, lowDefault], {}, { priorityClassName: "low-default", priority: 5, preemptionPolicy: "Never" }],
    ["a named class", [high, usual], { priorityClassName: "high" }, { priorityClassName: "high", priority: 1000, preemptionPolicy: "PreemptLowerPriority" }],
    ["a class that never preempts", [polite], { priorityClassName: "polite" }, { priorityClassName: "polite", priority: 500, preemptionPolicy: "Never" }],
    ["a system class", [...systemPriorityClasses], { priorityClassName: "system-node-critical" }, { priorityClassName: "system-node-critical", priority: 2000001000, preemptionPolicy: undefined }],
    ["a priority that matches the class", [high], { priorityClassName: "high", priority: 1000 }, { priorityClassName: "high", priority: 1000, preemptionPolicy: "PreemptLowerPriority" }],
  ];
  for (const [name, classes, spec, expected] of cases) {
    test(name, async () => {
      const p = pod(spec);
      await plugin(classes).admit!(attributes(p));
      assert.deepEqual(resolved(p), expected);
    });
  }

  const refusals: [string, PriorityClass[], Partial<NonNullable<Pod["spec"]>>, string][] = [
    ["an unknown class", [high], { priorityClassName: "nope" }, 'pods "p" is forbidden: no PriorityClass with name nope was found'],
    ["a priority of its own", [high], { priority: 7 }, 'pods "p" is forbidden: the integer value of priority (7) must not be provided in pod spec; priority admission controller computed 0 from the given PriorityClass name'],
    ["a priority other than the class's", [high], { priorityClassName: "high", priority: 1 }, 'pods "p" is forbidden: the integer value of priority (1) must not be provided in pod spec; priority admission controller computed 1000 from the given PriorityClass name'],
    ["a preemption policy other than the class's", [polite], { priorityClassName: "polite", preemptionPolicy: "PreemptLowerPriority" }, 'pods "p" is forbidden: the string value of PreemptionPolicy (PreemptLowerPriority) must not be provided in pod spec; priority admission controller computed Never from the given PriorityClass name'],
  ];
  for (const [name, classes, spec, message] of refusals) {
    test(`refuses ${name}`, async () => {
      await assert.rejects(async () => plugin(classes).admit!(attributes(pod(spec))), (e: unknown) => e instanceof ApiError && e.code === 403 && e.reason === "Forbidden" && e.message === message);
    });
  }
});

test("an update keeps the resolved priority, and subresources pass untouched", async () => {
  const stored = pod({ priorityClassName: "high", priority: 1000, preemptionPolicy: "PreemptLowerPriority" });
  const sent = pod({ priorityClassName: "high" });
  await plugin([]).admit!(attributes(sent, { operation: "UPDATE", oldObject: stored as never }));
  assert.deepEqual(resolved(sent), resolved(stored));
  const status = pod();
  await plugin([high]).admit!(attributes(status, { subresource: "status" }));
  assert.equal(status.spec?.priority, undefined);
});

test("only one PriorityClass may be the global default", async () => {
  const validate = (object: PriorityClass, classes: PriorityClass[]) => plugin(classes).validate!(attributes(object, { resource: classesInfo, name: object.metadata?.name ?? "" }));
  await assert.rejects(async () => validate(pc("another", 3, { globalDefault: true }), [usual]), /PriorityClass usual is already marked as default. Only one default can exist/);
  await validate(pc("usual", 11, { globalDefault: true }), [usual]);
  await validate(pc("plain", 3), [usual]);
});
