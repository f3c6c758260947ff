// KubeSchedulerConfiguration (kubescheduler.config.k8s.io/v1): profiles with
// their plugins enabled or disabled per extension point (or at multiPoint),
// plugin args, percentageOfNodesToScore, back-off and leader election. Parsing
// validates everything up front so a bad file stops `skiff server` with one
// line; building turns a valid profile into framework Profiles.
import type { TopologySpreadConstraint } from "kubernetes-types/core/v1";
import { parse as parseYaml } from "yaml";
import type { Profile } from "./framework/framework.ts";
import type { AnyPlugin } from "./framework/plugin.ts";
import type { KubeClient } from "../client/kube-client.ts";
import { DEFAULT_BINDER } from "./binder.ts";
import { DEFAULT_PREEMPTION, DefaultPreemptionPlugin } from "./plugins/default-preemption.ts";
import { DEFAULT_SCHEDULER_NAME, DEFAULT_SCORE_WEIGHTS } from "./plugins/default-profile.ts";
import { IMAGE_LOCALITY, ImageLocalityPlugin } from "./plugins/image-locality.ts";
import { INTER_POD_AFFINITY, InterPodAffinityPlugin } from "./plugins/inter-pod-affinity.ts";
import { NODE_AFFINITY, NodeAffinityPlugin } from "./plugins/node-affinity.ts";
import { NODE_NAME, NodeNamePlugin } from "./plugins/node-name.ts";
import { NODE_PORTS, NodePortsPlugin } from "./plugins/node-ports.ts";
import { NODE_RESOURCES_BALANCED_ALLOCATION, NodeResourcesBalancedAllocationPlugin } from "./plugins/node-resources-balanced-allocation.ts";
import {
  DEFAULT_SCORED_RESOURCES,
  NODE_RESOURCES_FIT,
  NodeResourcesFitPlugin,
  type NodeResourcesFitArgs,
  type ResourceWeight,
  type ScoringStrategy,
  type UtilizationShapePoint,
} from "./plugins/node-resources-fit.ts";
import { NODE_UNSCHEDULABLE, NodeUnschedulablePlugin } from "./plugins/node-unschedulable.ts";
import { POD_TOPOLOGY_SPREAD, PodTopologySpreadPlugin, type SpreadOwners } from "./plugins/pod-topology-spread.ts";
import { PRIORITY_SORT, PrioritySortPlugin } from "./plugins/priority-sort.ts";
import { TAINT_TOLERATION, TaintTolerationPlugin } from "./plugins/taint-toleration.ts";
import { VOLUME_BINDING, VolumeBindingPlugin, type VolumeListers } from "./plugins/volume-binding.ts";

export const SCHEDULER_CONFIG_API_VERSION = "kubescheduler.config.k8s.io/v1";

export class SchedulerConfigError extends Error {
  readonly reason = "InvalidSchedulerConfiguration" as const;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "SchedulerConfigError";
  }
}

export const EXTENSION_POINTS = ["queueSort", "preFilter", "filter", "postFilter", "preScore", "score", "reserve", "permit", "preBind", "bind"] as const;
export type ExtensionPoint = (typeof EXTENSION_POINTS)[number];

/** The plugin methods each extension point calls. */
const POINT_METHODS: Record<ExtensionPoint, readonly string[]> = {
  queueSort: ["less"],
  preFilter: ["preFilter"],
  filter: ["filter"],
  postFilter: ["postFilter"],
  preScore: ["preScore"],
  score: ["score", "normalizeScores"],
  reserve: ["reserve", "unreserve"],
  permit: ["permit"],
  preBind: ["preBind"],
  bind: ["bind"],
};

export interface PluginSettings {
  readonly name: string;
  /** The points it runs at; every point it implements when undefined. */
  readonly points: ReadonlySet<ExtensionPoint> | undefined;
  readonly weight?: number;
}

export interface ProfileConfig {
  readonly schedulerName: string;
  readonly percentageOfNodesToScore?: number;
  /** In run order. */
  readonly plugins: readonly PluginSettings[];
  readonly nodeResourcesFit: NodeResourcesFitArgs;
  readonly balancedAllocationResources: readonly ResourceWeight[];
  /** undefined: the system defaults. */
  readonly spreadDefaultConstraints?: readonly TopologySpreadConstraint[];
}

export interface LeaderElectionSettings {
  readonly leaderElect: boolean;
  readonly leaseDurationMs: number;
  readonly renewDeadlineMs: number;
  readonly retryPeriodMs: number;
  readonly resourceName: string;
  readonly resourceNamespace: string;
}

export interface SchedulerConfig {
  readonly profiles: readonly ProfileConfig[];
  readonly percentageOfNodesToScore?: number;
  readonly podInitialBackoffMs: number;
  readonly podMaxBackoffMs: number;
  readonly leaderElection: LeaderElectionSettings;
}

/** Upstream's default plugins, in upstream's order. */
const DEFAULT_PLUGINS = [
  PRIORITY_SORT,
  NODE_UNSCHEDULABLE,
  NODE_NAME,
  TAINT_TOLERATION,
  NODE_AFFINITY,
  NODE_PORTS,
  NODE_RESOURCES_FIT,
  VOLUME_BINDING,
  POD_TOPOLOGY_SPREAD,
  INTER_POD_AFFINITY,
  DEFAULT_PREEMPTION,
  NODE_RESOURCES_BALANCED_ALLOCATION,
  IMAGE_LOCALITY,
  DEFAULT_BINDER,
];

export interface PluginDependencies {
  readonly binder: AnyPlugin;
  readonly spreadOwners?: SpreadOwners;
  /** Without them VolumeBinding sees no claims and fails pods that have any. */
  readonly volumes?: VolumeListers;
  /** Writes the volume bindings VolumeBinding chose. */
  readonly client?: KubeClient;
  readonly random?: () => number;
}

const NO_VOLUMES: VolumeListers = { claim: () => undefined, volume: () => undefined, volumes: () => [], storageClass: () => undefined };

const PLUGIN_FACTORIES: Record<string, (profile: ProfileConfig, deps: PluginDependencies) => AnyPlugin> = {
  [PRIORITY_SORT]: () => new PrioritySortPlugin(),
  [NODE_UNSCHEDULABLE]: () => new NodeUnschedulablePlugin(),
  [NODE_NAME]: () => new NodeNamePlugin(),
  [TAINT_TOLERATION]: () => new TaintTolerationPlugin(),
  [NODE_AFFINITY]: () => new NodeAffinityPlugin(),
  [NODE_PORTS]: () => new NodePortsPlugin(),
  [NODE_RESOURCES_FIT]: (profile) => new NodeResourcesFitPlugin(profile.nodeResourcesFit),
  [POD_TOPOLOGY_SPREAD]: (profile, deps) =>
    new PodTopologySpreadPlugin({ owners: deps.spreadOwners, ...(profile.spreadDefaultConstraints === undefined ? {} : { defaultConstraints: profile.spreadDefaultConstraints }) }),
  [INTER_POD_AFFINITY]: () => new InterPodAffinityPlugin(),
  [DEFAULT_PREEMPTION]: (_profile, deps) => new DefaultPreemptionPlugin(deps.random),
  [NODE_RESOURCES_BALANCED_ALLOCATION]: (profile) => new NodeResourcesBalancedAllocationPlugin(profile.balancedAllocationResources),
  [IMAGE_LOCALITY]: () => new ImageLocalityPlugin(),
  [VOLUME_BINDING]: (_profile, deps) => new VolumeBindingPlugin(deps.volumes ?? NO_VOLUMES, deps.client),
  [DEFAULT_BINDER]: (_profile, deps) => deps.binder,
};

export const KNOWN_PLUGINS: ReadonlySet<string> = new Set(Object.keys(PLUGIN_FACTORIES));

const DEFAULT_LEADER_ELECTION: LeaderElectionSettings = {
  leaderElect: true,
  leaseDurationMs: 15_000,
  renewDeadlineMs: 10_000,
  retryPeriodMs: 2_000,
  resourceName: "kube-scheduler",
  resourceNamespace: "kube-system",
};

/** The configuration with no file: one default-scheduler profile. */
export function defaultSchedulerConfig(): SchedulerConfig {
  return parseSchedulerConfig({ apiVersion: SCHEDULER_CONFIG_API_VERSION, kind: "KubeSchedulerConfiguration" });
}

export function parseSchedulerConfigYaml(text: string): SchedulerConfig {
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw new SchedulerConfigError(`scheduler config is not valid YAML: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`, { cause: error });
  }
  return parseSchedulerConfig(document);
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);

function objectAt(value: unknown, path: string): Json {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) throw new SchedulerConfigError(`${path}: must be an object`);
  return value;
}

function arrayAt(value: unknown, path: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new SchedulerConfigError(`${path}: must be a list`);
  return value;
}

function stringAt(value: unknown, path: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw new SchedulerConfigError(`${path}: must be a string`);
  return value;
}

function integerAt(value: unknown, path: string, min: number, max: number): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new SchedulerConfigError(`${path}: Invalid value: ${JSON.stringify(value)}: must be an integer in [${min}, ${max}]`);
  }
  return value;
}

/** Go durations as the config writes them: "15s", "1m30s", "500ms". */
export function parseDuration(text: string, path: string): number {
  const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001, µs: 0.001, ns: 0.000001 };
  const pattern = /(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/gy;
  let total = 0;
  let consumed = 0;
  for (const match of text.matchAll(pattern)) {
    total += Number(match[1]) * (units[match[2] as string] as number);
    consumed += match[0].length;
  }
  if (text === "" || consumed !== text.length) throw new SchedulerConfigError(`${path}: Invalid value: ${JSON.stringify(text)}: not a duration`);
  return total;
}

function durationAt(value: unknown, path: string, fallback: number): number {
  const text = stringAt(value, path);
  return text === undefined ? fallback : parseDuration(text, path);
}

export function parseSchedulerConfig(document: unknown): SchedulerConfig {
  const root = objectAt(document, "config");
  if (root.apiVersion !== SCHEDULER_CONFIG_API_VERSION || root.kind !== "KubeSchedulerConfiguration") {
    throw new SchedulerConfigError(
      `scheduler config: want apiVersion ${SCHEDULER_CONFIG_API_VERSION}, kind KubeSchedulerConfiguration; got ${String(root.apiVersion)}, ${String(root.kind)}`,
    );
  }
  const percentage = integerAt(root.percentageOfNodesToScore, "percentageOfNodesToScore", 0, 100);
  const initialBackoff = integerAt(root.podInitialBackoffSeconds, "podInitialBackoffSeconds", 1, 3600) ?? 1;
  const maxBackoff = integerAt(root.podMaxBackoffSeconds, "podMaxBackoffSeconds", 1, 3600) ?? 10;
  if (maxBackoff < initialBackoff) throw new SchedulerConfigError(`podMaxBackoffSeconds: Invalid value: ${maxBackoff}: must be at least podInitialBackoffSeconds`);
  const rawProfiles = arrayAt(root.profiles, "profiles");
  const profiles = (rawProfiles.length === 0 ? [{}] : rawProfiles).map((raw, index) => parseProfile(raw, `profiles[${index}]`));
  const names = new Set<string>();
  for (const [index, profile] of profiles.entries()) {
    if (names.has(profile.schedulerName)) throw new SchedulerConfigError(`profiles[${index}].schedulerName: Duplicate value: "${profile.schedulerName}"`);
    names.add(profile.schedulerName);
  }
  const election = objectAt(root.leaderElection, "leaderElection");
  const leaderElect = election.leaderElect ?? DEFAULT_LEADER_ELECTION.leaderElect;
  if (typeof leaderElect !== "boolean") throw new SchedulerConfigError("leaderElection.leaderElect: must be a boolean");
  const leaderElection: LeaderElectionSettings = {
    leaderElect,
    leaseDurationMs: durationAt(election.leaseDuration, "leaderElection.leaseDuration", DEFAULT_LEADER_ELECTION.leaseDurationMs),
    renewDeadlineMs: durationAt(election.renewDeadline, "leaderElection.renewDeadline", DEFAULT_LEADER_ELECTION.renewDeadlineMs),
    retryPeriodMs: durationAt(election.retryPeriod, "leaderElection.retryPeriod", DEFAULT_LEADER_ELECTION.retryPeriodMs),
    resourceName: stringAt(election.resourceName, "leaderElection.resourceName") || DEFAULT_LEADER_ELECTION.resourceName,
    resourceNamespace: stringAt(election.resourceNamespace, "leaderElection.resourceNamespace") || DEFAULT_LEADER_ELECTION.resourceNamespace,
  };
  if (leaderElection.leaderElect) {
    if (leaderElection.leaseDurationMs <= leaderElection.renewDeadlineMs) {
      throw new SchedulerConfigError("leaderElection.leaseDuration: Invalid value: leaseDuration must be greater than renewDeadline");
    }
    if (leaderElection.retryPeriodMs <= 0) throw new SchedulerConfigError("leaderElection.retryPeriod: Invalid value: must be greater than zero");
  }
  return {
    profiles,
    ...(percentage === undefined ? {} : { percentageOfNodesToScore: percentage }),
    podInitialBackoffMs: initialBackoff * 1000,
    podMaxBackoffMs: maxBackoff * 1000,
    leaderElection,
  };
}

interface PluginRef {
  name: string;
  weight?: number;
}

function pluginRefs(value: unknown, path: string, requireKnown: boolean): PluginRef[] {
  return arrayAt(value, path).map((raw, index) => {
    const entry = objectAt(raw, `${path}[${index}]`);
    const name = stringAt(entry.name, `${path}[${index}].name`);
    if (!name) throw new SchedulerConfigError(`${path}[${index}].name: Required value`);
    if (requireKnown && !KNOWN_PLUGINS.has(name)) throw new SchedulerConfigError(`${path}[${index}].name: Invalid value: "${name}": no plugin of that name`);
    const weight = integerAt(entry.weight, `${path}[${index}].weight`, 0, 100);
    return weight === undefined || weight === 0 ? { name } : { name, weight };
  });
}

function parseProfile(raw: unknown, path: string): ProfileConfig {
  const profile = objectAt(raw, path);
  const schedulerName = stringAt(profile.schedulerName, `${path}.schedulerName`) || DEFAULT_SCHEDULER_NAME;
  const percentage = integerAt(profile.percentageOfNodesToScore, `${path}.percentageOfNodesToScore`, 0, 100);
  const plugins = parsePluginSets(objectAt(profile.plugins, `${path}.plugins`), `${path}.plugins`);
  let nodeResourcesFit: NodeResourcesFitArgs = { strategy: "LeastAllocated", resources: DEFAULT_SCORED_RESOURCES };
  let balancedAllocationResources = DEFAULT_SCORED_RESOURCES;
  let spreadDefaultConstraints: readonly TopologySpreadConstraint[] | undefined;
  for (const [index, rawConfig] of arrayAt(profile.pluginConfig, `${path}.pluginConfig`).entries()) {
    const configPath = `${path}.pluginConfig[${index}]`;
    const entry = objectAt(rawConfig, configPath);
    const args = objectAt(entry.args, `${configPath}.args`);
    switch (entry.name) {
      case NODE_RESOURCES_FIT:
        nodeResourcesFit = parseFitArgs(args, `${configPath}.args`);
        break;
      case NODE_RESOURCES_BALANCED_ALLOCATION:
        if (args.resources !== undefined) balancedAllocationResources = parseResources(args.resources, `${configPath}.args.resources`);
        break;
      case POD_TOPOLOGY_SPREAD:
        spreadDefaultConstraints = parseSpreadArgs(args, `${configPath}.args`);
        break;
      default:
        if (typeof entry.name !== "string" || !KNOWN_PLUGINS.has(entry.name)) {
          throw new SchedulerConfigError(`${configPath}.name: Invalid value: ${JSON.stringify(entry.name)}: no plugin of that name`);
        }
    }
  }
  return {
    schedulerName,
    ...(percentage === undefined ? {} : { percentageOfNodesToScore: percentage }),
    plugins,
    nodeResourcesFit,
    balancedAllocationResources,
    ...(spreadDefaultConstraints === undefined ? {} : { spreadDefaultConstraints }),
  };
}

/**
 * Starts from the defaults at every point; multiPoint adds or removes a
 * plugin at all its points; a point's own lists then add or remove it there
 * ("*" disables every default at that point).
 */
function parsePluginSets(plugins: Json, path: string): PluginSettings[] {
  const settings = new Map<string, { points: Set<ExtensionPoint> | undefined; weight?: number }>();
  const multiPoint = objectAt(plugins.multiPoint, `${path}.multiPoint`);
  const multiDisabled = pluginRefs(multiPoint.disabled, `${path}.multiPoint.disabled`, false);
  const allDisabled = multiDisabled.some((ref) => ref.name === "*");
  for (const name of DEFAULT_PLUGINS) {
    if (allDisabled || multiDisabled.some((ref) => ref.name === name)) continue;
    settings.set(name, { points: undefined });
  }
  for (const ref of pluginRefs(multiPoint.enabled, `${path}.multiPoint.enabled`, true)) {
    settings.delete(ref.name);
    settings.set(ref.name, { points: undefined, ...(ref.weight === undefined ? {} : { weight: ref.weight }) });
  }
  const pointsOf = (name: string): Set<ExtensionPoint> => {
    const entry = settings.get(name);
    if (entry === undefined) return new Set();
    entry.points ??= new Set(EXTENSION_POINTS);
    return entry.points;
  };
  for (const point of EXTENSION_POINTS) {
    const set = objectAt(plugins[point], `${path}.${point}`);
    const disabled = pluginRefs(set.disabled, `${path}.${point}.disabled`, false);
    for (const ref of disabled) {
      if (ref.name === "*") {
        for (const name of settings.keys()) if (DEFAULT_PLUGINS.includes(name)) pointsOf(name).delete(point);
      } else {
        pointsOf(ref.name).delete(point);
      }
    }
    for (const ref of pluginRefs(set.enabled, `${path}.${point}.enabled`, true)) {
      if (!settings.has(ref.name)) settings.set(ref.name, { points: new Set() });
      pointsOf(ref.name).add(point);
      const entry = settings.get(ref.name);
      if (entry !== undefined && point === "score" && ref.weight !== undefined) entry.weight = ref.weight;
    }
  }
  return [...settings].map(([name, entry]) => ({ name, points: entry.points, ...(entry.weight === undefined ? {} : { weight: entry.weight }) }));
}

function parseResources(value: unknown, path: string): ResourceWeight[] {
  return arrayAt(value, path).map((raw, index) => {
    const entry = objectAt(raw, `${path}[${index}]`);
    const name = stringAt(entry.name, `${path}[${index}].name`);
    if (!name) throw new SchedulerConfigError(`${path}[${index}].name: Required value`);
    return { name, weight: integerAt(entry.weight, `${path}[${index}].weight`, 1, 100) ?? 1 };
  });
}

function parseFitArgs(args: Json, path: string): NodeResourcesFitArgs {
  const strategy = objectAt(args.scoringStrategy, `${path}.scoringStrategy`);
  const type = stringAt(strategy.type, `${path}.scoringStrategy.type`) ?? "LeastAllocated";
  const strategies: readonly ScoringStrategy[] = ["LeastAllocated", "MostAllocated", "RequestedToCapacityRatio"];
  if (!strategies.includes(type as ScoringStrategy)) {
    throw new SchedulerConfigError(`${path}.scoringStrategy.type: Unsupported value: "${type}": supported values: ${strategies.map((s) => `"${s}"`).join(", ")}`);
  }
  const resources = strategy.resources === undefined ? DEFAULT_SCORED_RESOURCES : parseResources(strategy.resources, `${path}.scoringStrategy.resources`);
  if (type !== "RequestedToCapacityRatio") return { strategy: type as ScoringStrategy, resources };
  const ratio = objectAt(strategy.requestedToCapacityRatio, `${path}.scoringStrategy.requestedToCapacityRatio`);
  const shapePath = `${path}.scoringStrategy.requestedToCapacityRatio.shape`;
  const shape: UtilizationShapePoint[] = arrayAt(ratio.shape, shapePath).map((raw, index) => {
    const point = objectAt(raw, `${shapePath}[${index}]`);
    return {
      utilization: integerAt(point.utilization, `${shapePath}[${index}].utilization`, 0, 100) ?? 0,
      score: integerAt(point.score, `${shapePath}[${index}].score`, 0, 10) ?? 0,
    };
  });
  if (shape.length === 0) throw new SchedulerConfigError(`${shapePath}: Required value: at least one point`);
  for (let index = 1; index < shape.length; index++) {
    if ((shape[index] as UtilizationShapePoint).utilization <= (shape[index - 1] as UtilizationShapePoint).utilization) {
      throw new SchedulerConfigError(`${shapePath}[${index}].utilization: Invalid value: utilization values must be sorted in increasing order`);
    }
  }
  return { strategy: "RequestedToCapacityRatio", resources, shape };
}

function parseSpreadArgs(args: Json, path: string): readonly TopologySpreadConstraint[] | undefined {
  const defaulting = stringAt(args.defaultingType, `${path}.defaultingType`) ?? "System";
  if (defaulting !== "System" && defaulting !== "List") {
    throw new SchedulerConfigError(`${path}.defaultingType: Unsupported value: "${defaulting}": supported values: "System", "List"`);
  }
  const constraints = arrayAt(args.defaultConstraints, `${path}.defaultConstraints`) as TopologySpreadConstraint[];
  if (defaulting === "System") {
    if (constraints.length > 0) throw new SchedulerConfigError(`${path}.defaultConstraints: Invalid value: when .defaultingType is "System", .defaultConstraints must be empty`);
    return undefined;
  }
  for (const [index, constraint] of constraints.entries()) {
    const at = `${path}.defaultConstraints[${index}]`;
    if (!isObject(constraint) || typeof constraint.topologyKey !== "string" || constraint.topologyKey === "") throw new SchedulerConfigError(`${at}.topologyKey: Required value`);
    integerAt(constraint.maxSkew, `${at}.maxSkew`, 1, Number.MAX_SAFE_INTEGER);
    if (constraint.whenUnsatisfiable !== "DoNotSchedule" && constraint.whenUnsatisfiable !== "ScheduleAnyway") {
      throw new SchedulerConfigError(`${at}.whenUnsatisfiable: Unsupported value: ${JSON.stringify(constraint.whenUnsatisfiable)}`);
    }
    if (constraint.labelSelector !== undefined) throw new SchedulerConfigError(`${at}.labelSelector: Forbidden: constraint must not define a selector, as they deduced for each pod`);
  }
  return constraints;
}

/** A plugin narrowed to some of its points: the framework finds only the methods it is given. */
function restrictedTo(plugin: AnyPlugin, points: ReadonlySet<ExtensionPoint>): AnyPlugin {
  const source = plugin as unknown as Record<string, unknown>;
  const view: Record<string, unknown> = { name: plugin.name };
  const bindMethod = (method: string) => {
    const value = source[method];
    if (typeof value === "function") view[method] = (value as (...args: unknown[]) => unknown).bind(plugin);
  };
  for (const point of points) for (const method of POINT_METHODS[point]) bindMethod(method);
  if (points.has("preFilter") && plugin.preFilterExtensions !== undefined) view.preFilterExtensions = plugin.preFilterExtensions;
  bindMethod("eventsToRegister");
  return view as unknown as AnyPlugin;
}

export function buildProfile(config: ProfileConfig, deps: PluginDependencies, globalPercentage?: number): Profile {
  const plugins: AnyPlugin[] = [];
  const scoreWeights = new Map<string, number>();
  for (const settings of config.plugins) {
    const make = PLUGIN_FACTORIES[settings.name];
    if (make === undefined) continue;
    const plugin = make(config, deps);
    plugins.push(settings.points === undefined ? plugin : restrictedTo(plugin, settings.points));
    scoreWeights.set(settings.name, settings.weight ?? DEFAULT_SCORE_WEIGHTS.get(settings.name) ?? 1);
  }
  const percentage = config.percentageOfNodesToScore ?? globalPercentage;
  return { schedulerName: config.schedulerName, plugins, scoreWeights, ...(percentage === undefined ? {} : { percentageOfNodesToScore: percentage }) };
}
