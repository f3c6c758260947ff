import { test } from "node:test";
import assert from "node:assert/strict";
import type { PriorityClass } from "kubernetes-types/scheduling/v1";
import { withResolvedPriority, type PriorityClasses } from "./pod-priority.ts";
import { makePod } from "./testing/objects.ts";

function classes(...items: PriorityClass[]): PriorityClasses {
  return { get: (name) => items.find((item) => item.metadata?.name === name), list: () => items };
}
const priorityClass = (name: string, value: number, globalDefault = false): PriorityClass => ({ metadata: { name }, value, globalDefault });

const cases: { name: string; spec: Parameters<typeof makePod>[1]; known: PriorityClasses; want: number | undefined }[] = [
  { name: "spec.priority wins over the class", spec: { priority: 7, spec: { priorityClassName: "high" } }, known: classes(priorityClass("high", 1000)), want: 7 },
  { name: "the named class gives its value", spec: { spec: { priorityClassName: "high" } }, known: classes(priorityClass("high", 1000)), want: 1000 },
  { name: "an unknown class leaves it unset (0 for ordering)", spec: { spec: { priorityClassName: "nope" } }, known: classes(), want: undefined },
  {
    name: "no class: the lowest global default",
    spec: {},
    known: classes(priorityClass("a", 50, true), priorityClass("b", 20, true), priorityClass("c", 5)),
    want: 20,
  },
  { name: "no class and no default", spec: {}, known: classes(priorityClass("c", 5)), want: undefined },
];

for (const { name, spec, known, want } of cases) {
  test(`withResolvedPriority: ${name}`, () => {
    const pod = makePod("p", spec);
    const resolved = withResolvedPriority(pod, known);
    assert.equal(resolved.spec?.priority, want);
    assert.equal(pod.spec?.priority, spec?.priority, "the cached pod is never changed");
  });
}
