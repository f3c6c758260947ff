// The garbage collector's picture of the cluster: every watched object by
// uid, where it lives, whom it names as owners, and the reverse index from
// an owner's uid to its dependents. Owners are known by uid only: a
// re-created owner with the same name is a different node.
import type { OwnerReference } from "kubernetes-types/meta/v1";

export interface GraphNode {
  uid: string;
  /** Index of the object's type in the collector's catalog. */
  type: number;
  namespace: string;
  name: string;
  owners: readonly OwnerReference[];
  /** Set while the object has a deletionTimestamp. */
  deleting: boolean;
  finalizers: readonly string[];
}

export class OwnerGraph {
  private readonly nodes = new Map<string, GraphNode>();
  private readonly dependents = new Map<string, Set<string>>();

  get size(): number {
    return this.nodes.size;
  }

  get(uid: string): GraphNode | undefined {
    return this.nodes.get(uid);
  }

  /** Adds or replaces a node; answers the owner uids it gained or lost (their dependents changed). */
  upsert(node: GraphNode): string[] {
    const previous = this.nodes.get(node.uid);
    const before = new Set(previous?.owners.map((o) => o.uid) ?? []);
    const after = new Set(node.owners.map((o) => o.uid));
    for (const uid of before) if (!after.has(uid)) this.unlink(uid, node.uid);
    for (const uid of after) if (!before.has(uid)) this.link(uid, node.uid);
    this.nodes.set(node.uid, node);
    return [...symmetricDifference(before, after)];
  }

  /** Forgets a node; answers it (with its owners) if it was known. */
  remove(uid: string): GraphNode | undefined {
    const node = this.nodes.get(uid);
    if (node === undefined) return undefined;
    for (const owner of node.owners) this.unlink(owner.uid, uid);
    this.nodes.delete(uid);
    return node;
  }

  /** The known dependents naming ownerUid, whether or not the owner itself is known. */
  dependentsOf(ownerUid: string): GraphNode[] {
    const uids = this.dependents.get(ownerUid);
    if (uids === undefined) return [];
    return [...uids].map((uid) => this.nodes.get(uid)).filter((node) => node !== undefined);
  }

  private link(ownerUid: string, dependentUid: string): void {
    let set = this.dependents.get(ownerUid);
    if (set === undefined) this.dependents.set(ownerUid, (set = new Set()));
    set.add(dependentUid);
  }

  private unlink(ownerUid: string, dependentUid: string): void {
    const set = this.dependents.get(ownerUid);
    if (set === undefined) return;
    set.delete(dependentUid);
    if (set.size === 0) this.dependents.delete(ownerUid);
  }
}

function symmetricDifference(a: Set<string>, b: Set<string>): Set<string> {
  const out = new Set<string>();
  for (const x of a) if (!b.has(x)) out.add(x);
  for (const x of b) if (!a.has(x)) out.add(x);
  return out;
}
