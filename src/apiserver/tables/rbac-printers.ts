// `kubectl get rolebindings` and `clusterrolebindings`: the role bound and,
// when wide, the subjects by kind.
import type { ClusterRoleBinding, RoleBinding } from "kubernetes-types/rbac/v1";
import { ageColumn, column, definePrinter, nameColumn, wide } from "./printer.ts";
import { since } from "./timestamps.ts";

type Binding = RoleBinding | ClusterRoleBinding;

function subjectCells(binding: Binding): [users: string, groups: string, serviceAccounts: string] {
  const users: string[] = [];
  const groups: string[] = [];
  const serviceAccounts: string[] = [];
  for (const subject of binding.subjects ?? []) {
    if (subject.kind === "User") users.push(subject.name);
    else if (subject.kind === "Group") groups.push(subject.name);
    else if (subject.kind === "ServiceAccount") serviceAccounts.push(`${subject.namespace ?? ""}/${subject.name}`);
  }
  return [users.join(", "), groups.join(", "), serviceAccounts.join(", ")];
}

const columns = [
  nameColumn,
  column("Role", "string", "Kind and name of the role bound."),
  ageColumn,
  column("Users", "string", "Users the role is bound to.", wide),
  column("Groups", "string", "Groups the role is bound to.", wide),
  column("ServiceAccounts", "string", "Service accounts the role is bound to.", wide),
];

function cells(binding: Binding, now: Date) {
  return [
    binding.metadata?.name ?? "",
    `${binding.roleRef.kind}/${binding.roleRef.name}`,
    since(binding.metadata?.creationTimestamp, now),
    ...subjectCells(binding),
  ];
}

export const roleBindingPrinter = definePrinter<RoleBinding>(columns, cells);
export const clusterRoleBindingPrinter = definePrinter<ClusterRoleBinding>(columns, cells);
