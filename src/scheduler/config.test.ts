import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { buildProfile, defaultSchedulerConfig, parseDuration, parseSchedulerConfigYaml, SchedulerConfigError } from "./config.ts";
import { DefaultBinderPlugin } from "./binder.ts";
import type { KubeClient } from "../client/kube-client.ts";

const header = "apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\n";
const binder = new DefaultBinderPlugin({} as KubeClient);

/** The plugin names a built profile runs at one method, in order. */
function pluginsWith(yaml: string, method: string, profileIndex = 0): string[] {
  const config = parseSchedulerConfigYaml(header + yaml);
  const profile = buildProfile(config.profiles[profileIndex]!, { binder });
  return profile.plugins.filter((plugin) => typeof (plugin as unknown as Record<string, unknown>)[method] === "function").map((plugin) => plugin.name);
}

describe("parse", () => {
  test("no file means one default-scheduler profile, leader election on kube-system/kube-scheduler", () => {
    const config = defaultSchedulerConfig();
    assert.deepEqual(config.profiles.map((profile) => profile.schedulerName), ["default-scheduler"]);
    assert.deepEqual(config.leaderElection, {
      leaderElect: true,
      leaseDurationMs: 15_000,
      renewDeadlineMs: 10_000,
      retryPeriodMs: 2_000,
      resourceName: "kube-scheduler",
      resourceNamespace: "kube-system",
    });
    assert.equal(config.podInitialBackoffMs, 1000);
    assert.equal(config.podMaxBackoffMs, 10_000);
  });

  test("profiles, percentages, leader election and fit args are read", () => {
    const config = parseSchedulerConfigYaml(
      header +
        [
          "percentageOfNodesToScore: 30",
          "leaderElection: {leaderElect: true, leaseDuration: 1m, renewDeadline: 40s, retryPeriod: 500ms, resourceName: sched}",
          "profiles:",
          "- schedulerName: default-scheduler",
          "- schedulerName: packer",
          "  percentageOfNodesToScore: 100",
          "  pluginConfig:",
          "  - name: NodeResourcesFit",
          "    args:",
          "      scoringStrategy:",
          "        type: RequestedToCapacityRatio",
          "        resources: [{name: cpu, weight: 3}]",
          "        requestedToCapacityRatio: {shape: [{utilization: 0, score: 0}, {utilization: 100, score: 10}]}",
        ].join("\n"),
    );
    assert.equal(config.percentageOfNodesToScore, 30);
    assert.equal(config.leaderElection.leaseDurationMs, 60_000);
    assert.equal(config.leaderElection.retryPeriodMs, 500);
    assert.equal(config.leaderElection.resourceName, "sched");
    const packer = config.profiles[1]!;
    assert.equal(packer.percentageOfNodesToScore, 100);
    assert.deepEqual(packer.nodeResourcesFit, {
      strategy: "RequestedToCapacityRatio",
      resources: [{ name: "cpu", weight: 3 }],
      shape: [{ utilization: 0, score: 0 }, { utilization: 100, score: 10 }],
    });
    assert.equal(buildProfile(config.profiles[0]!, { binder }, config.percentageOfNodesToScore).percentageOfNodesToScore, 30);
  });

  const invalid: { name: string; yaml: string; message: RegExp }[] = [
    { name: "wrong kind", yaml: "kind: Other\n", message: /want apiVersion kubescheduler.config.k8s.io\/v1, kind KubeSchedulerConfiguration/ },
    { name: "percentage over 100", yaml: header + "percentageOfNodesToScore: 101\n", message: /^percentageOfNodesToScore: Invalid value: 101/ },
    { name: "duplicate scheduler names", yaml: header + "profiles: [{schedulerName: a}, {schedulerName: a}]\n", message: /^profiles\[1\]\.schedulerName: Duplicate value: "a"/ },
    { name: "unknown enabled plugin", yaml: header + "profiles: [{plugins: {filter: {enabled: [{name: Magic}]}}}]\n", message: /^profiles\[0\]\.plugins\.filter\.enabled\[0\]\.name: Invalid value: "Magic"/ },
    {
      name: "unknown scoring strategy",
      yaml: header + "profiles: [{pluginConfig: [{name: NodeResourcesFit, args: {scoringStrategy: {type: Random}}}]}]\n",
      message: /scoringStrategy\.type: Unsupported value: "Random"/,
    },
    {
      name: "shape out of order",
      yaml:
        header +
        "profiles: [{pluginConfig: [{name: NodeResourcesFit, args: {scoringStrategy: {type: RequestedToCapacityRatio, requestedToCapacityRatio: {shape: [{utilization: 50, score: 1}, {utilization: 10, score: 2}]}}}}]}]\n",
      message: /sorted in increasing order/,
    },
    { name: "lease shorter than renew deadline", yaml: header + "leaderElection: {leaseDuration: 5s, renewDeadline: 10s}\n", message: /leaseDuration must be greater than renewDeadline/ },
    { name: "bad duration", yaml: header + "leaderElection: {retryPeriod: soon}\n", message: /leaderElection\.retryPeriod: Invalid value: "soon"/ },
    { name: "not YAML", yaml: "a: [", message: /^scheduler config is not valid YAML/ },
  ];
  for (const { name, yaml, message } of invalid) {
    test(`rejects ${name}`, () => {
      assert.throws(() => parseSchedulerConfigYaml(yaml), (error: unknown) => error instanceof SchedulerConfigError && message.test(error.message) && !error.message.includes("\n"));
    });
  }

  test("durations", () => {
    assert.deepEqual(["15s", "1m30s", "250ms", "1h"].map((text) => parseDuration(text, "x")), [15_000, 90_000, 250, 3_600_000]);
  });
});

describe("plugin sets", () => {
  test("defaults run upstream's plugins at their points, the binder last", () => {
    assert.deepEqual(pluginsWith("", "filter"), ["NodeUnschedulable", "NodeName", "TaintToleration", "NodeAffinity", "NodePorts", "NodeResourcesFit", "VolumeBinding", "PodTopologySpread", "InterPodAffinity"]);
    assert.deepEqual(pluginsWith("", "bind"), ["DefaultBinder"]);
    assert.deepEqual(pluginsWith("", "postFilter"), ["DefaultPreemption"]);
  });

  test("disabling a plugin at one point keeps its other points", () => {
    const yaml = "profiles: [{plugins: {score: {disabled: [{name: NodeResourcesFit}]}}}]\n";
    assert.ok(pluginsWith(yaml, "filter").includes("NodeResourcesFit"));
    assert.ok(!pluginsWith(yaml, "score").includes("NodeResourcesFit"));
  });

  test('"*" disables every default at a point; the enabled ones come back with their weights', () => {
    const yaml = "profiles: [{plugins: {score: {disabled: [{name: '*'}], enabled: [{name: ImageLocality}, {name: NodeResourcesFit, weight: 5}]}}}]\n";
    assert.deepEqual(pluginsWith(yaml, "score"), ["NodeResourcesFit", "ImageLocality"]);
    const config = parseSchedulerConfigYaml(header + yaml);
    assert.equal(buildProfile(config.profiles[0]!, { binder }).scoreWeights?.get("NodeResourcesFit"), 5);
    assert.equal(buildProfile(config.profiles[0]!, { binder }).scoreWeights?.get("ImageLocality"), 1);
  });

  test("multiPoint disables a plugin everywhere", () => {
    const yaml = "profiles: [{plugins: {multiPoint: {disabled: [{name: DefaultPreemption}, {name: NodePorts}]}}}]\n";
    assert.deepEqual(pluginsWith(yaml, "postFilter"), []);
    assert.ok(!pluginsWith(yaml, "filter").includes("NodePorts"));
  });

  test("the default score weights apply unless overridden", () => {
    const profile = buildProfile(defaultSchedulerConfig().profiles[0]!, { binder });
    assert.equal(profile.scoreWeights?.get("TaintToleration"), 3);
    assert.equal(profile.scoreWeights?.get("PodTopologySpread"), 2);
  });
});
