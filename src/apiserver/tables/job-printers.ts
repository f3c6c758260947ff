// `kubectl get jobs` and `kubectl get cronjobs`.
import type { CronJob, Job, JobCondition } from "kubernetes-types/batch/v1";
import { containerCells } from "./container-cells.ts";
import { humanDuration } from "./human-duration.ts";
import { formatLabelSelector } from "./label-text.ts";
import {
  ageColumn,
  column,
  containersColumn,
  definePrinter,
  imagesColumn,
  nameColumn,
  selectorColumn,
} from "./printer.ts";
import { parseTimestamp, since } from "./timestamps.ts";

/** Upstream looks only at the first condition of a type. */
const hasCondition = (conditions: JobCondition[] | undefined, type: string) =>
  conditions?.find((c) => c.type === type)?.status === "True";

function jobStatus(job: Job): string {
  const conditions = job.status?.conditions;
  if (hasCondition(conditions, "Complete")) return "Complete";
  if (hasCondition(conditions, "Failed")) return "Failed";
  if (job.metadata?.deletionTimestamp) return "Terminating";
  if (hasCondition(conditions, "Suspended")) return "Suspended";
  if (hasCondition(conditions, "FailureTarget")) return "FailureTarget";
  return "Running";
}

function completionsCell(job: Job): string {
  const succeeded = job.status?.succeeded ?? 0;
  const completions = job.spec?.completions;
  if (completions !== undefined && completions !== null) return `${succeeded}/${completions}`;
  const parallelism = job.spec?.parallelism ?? 0;
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

function durationCell(job: Job, now: Date): string {
  const started = parseTimestamp(job.status?.startTime);
  if (!started) return "";
  const ended = parseTimestamp(job.status?.completionTime) ?? now;
  return humanDuration(ended.getTime() - started.getTime());
}

export const jobPrinter = definePrinter<Job>(
  [
    nameColumn,
    column("Status", "string", "Status of the job."),
    column("Completions", "string", "Succeeded pods out of the completions asked for."),
    column("Duration", "string", "Time the job ran, or has been running."),
    ageColumn,
    containersColumn,
    imagesColumn,
    selectorColumn,
  ],
  (job, now) => [
    job.metadata?.name ?? "",
    jobStatus(job),
    completionsCell(job),
    durationCell(job, now),
    since(job.metadata?.creationTimestamp, now),
    ...containerCells(job.spec?.template),
    formatLabelSelector(job.spec?.selector),
  ],
);

export const cronJobPrinter = definePrinter<CronJob>(
  [
    nameColumn,
    column("Schedule", "string", "Cron schedule of the job."),
    column("Timezone", "string", "Time zone the schedule is read in."),
    column("Suspend", "boolean", "Whether new runs are suspended."),
    column("Active", "integer", "Number of running jobs."),
    column("Last Schedule", "string", "Time since a job was last scheduled."),
    ageColumn,
    containersColumn,
    imagesColumn,
    selectorColumn,
  ],
  (cronJob, now) => {
    const lastSchedule = cronJob.status?.lastScheduleTime;
    return [
      cronJob.metadata?.name ?? "",
      cronJob.spec?.schedule ?? "",
      cronJob.spec?.timeZone ?? "<none>",
      // Upstream prints the defaulted pointer as text, not as a JSON boolean.
      (cronJob.spec?.suspend ?? false) ? "True" : "False",
      cronJob.status?.active?.length ?? 0,
      lastSchedule ? since(lastSchedule, now) : "<none>",
      since(cronJob.metadata?.creationTimestamp, now),
      ...containerCells(cronJob.spec?.jobTemplate.spec?.template),
      formatLabelSelector(cronJob.spec?.jobTemplate.spec?.selector),
    ];
  },
);
