// Static pods: pods the agent runs from manifest files (YAML or JSON) in a
// folder, without the API server, and mirrors into the API so clients see
// them (upstream's file config source and mirror pods). A static pod is named
// `<name>-<node>`; its uid is a hash of the manifest and the node, so the same
// file keeps the same pod across agent restarts.
import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Node, Pod } from "kubernetes-types/core/v1";
import { parse } from "yaml";

export const configHashAnnotation = "kubernetes.io/config.hash";
export const configMirrorAnnotation = "kubernetes.io/config.mirror";
export const configSourceAnnotation = "kubernetes.io/config.source";

export class StaticPodError extends Error {
  readonly reason = "InvalidStaticPod" as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "StaticPodError";
  }
}

/** The pod a manifest describes, as this node runs it. */
export function staticPodFrom(manifestText: string, source: string, nodeName: string): Pod {
  let manifest: unknown;
  try {
    manifest = parse(manifestText);
  } catch (e) {
    throw new StaticPodError(`${source}: not YAML or JSON`, { cause: e });
  }
  const pod = manifest as Pod;
  if (typeof manifest !== "object" || manifest === null || pod.kind !== "Pod" || !pod.metadata?.name) throw new StaticPodError(`${source}: not a Pod with a name`);
  const uid = createHash("md5").update(nodeName).update(source).update(JSON.stringify(manifest)).digest("hex");
  return {
    ...pod,
    apiVersion: "v1",
    metadata: {
      ...pod.metadata,
      name: `${pod.metadata.name}-${nodeName}`,
      namespace: pod.metadata.namespace ?? "default",
      uid,
      annotations: { ...pod.metadata.annotations, [configHashAnnotation]: uid, [configSourceAnnotation]: "file" },
    },
    spec: { ...pod.spec!, nodeName },
    status: {},
  };
}

/** The API object that mirrors a static pod, owned by the node. */
export function mirrorPodFor(staticPod: Pod, node: Node): Pod {
  const { uid, resourceVersion, ...metadata } = staticPod.metadata ?? {};
  void resourceVersion;
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      ...metadata,
      annotations: { ...metadata.annotations, [configMirrorAnnotation]: uid ?? "" },
      ownerReferences: [{ apiVersion: "v1", kind: "Node", name: node.metadata?.name ?? "", uid: node.metadata?.uid ?? "", controller: true }],
    },
    spec: staticPod.spec!,
  };
}

/** Every valid manifest in dir; invalid ones are reported and skipped. */
export async function readStaticPods(dir: string, nodeName: string, onInvalid: (error: unknown) => void): Promise<Pod[]> {
  const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => /\.(ya?ml|json)$/.test(f) && !f.startsWith(".")).sort();
  const pods: Pod[] = [];
  for (const file of files) {
    try {
      pods.push(staticPodFrom(await readFile(join(dir, file), "utf8"), join(dir, file), nodeName));
    } catch (e) {
      onInvalid(e);
    }
  }
  return pods;
}
