// The tables component's public surface, for the apiserver's handlers.
export { columnDefinitions, toTable, type IncludeObject, type TableOptions } from "./to-table.ts";
export type { ResourceName } from "./printers.ts";
export type {
  ColumnType,
  PartialObjectMetadata,
  Table,
  TableCell,
  TableColumnDefinition,
  TableRow,
  TableRowCondition,
} from "./table.ts";
