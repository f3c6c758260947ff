// A CronJob whose job template uses most of what a PodSpec and a Container
// can carry, so `kubectl create job --from=cronjob/nightly` sends all of it
// back to us as protobuf.
import type { CronJob } from "kubernetes-types/batch/v1.js";

export const richCronJob: CronJob = {
  apiVersion: "batch/v1",
  kind: "CronJob",
  metadata: { name: "nightly", namespace: "default", uid: "0b5c5f7e-3c3a-4a57-9d0e-6a1d2b3c4d5e", resourceVersion: "42" },
  spec: {
    schedule: "0 3 * * *",
    timeZone: "Etc/UTC",
    concurrencyPolicy: "Forbid",
    jobTemplate: {
      metadata: { labels: { team: "data" }, annotations: { "example.test/owner": "ops" } },
      spec: {
        parallelism: 2,
        completions: 4,
        completionMode: "Indexed",
        backoffLimit: 3,
        activeDeadlineSeconds: 600,
        ttlSecondsAfterFinished: 3600,
        suspend: false,
        podFailurePolicy: {
          rules: [
            { action: "FailJob", onExitCodes: { containerName: "main", operator: "In", values: [42, 43] } },
            { action: "Ignore", onPodConditions: [{ type: "DisruptionTarget", status: "True" }] },
          ],
        },
        template: {
          metadata: { labels: { app: "nightly" } },
          spec: {
            restartPolicy: "OnFailure",
            serviceAccountName: "runner",
            automountServiceAccountToken: false,
            terminationGracePeriodSeconds: 30,
            priorityClassName: "batch-low",
            nodeSelector: { "kubernetes.io/os": "linux" },
            hostAliases: [{ ip: "127.0.0.1", hostnames: ["db.local"] }],
            dnsPolicy: "None",
            dnsConfig: { nameservers: ["127.0.0.53"], searches: ["svc.cluster.local"], options: [{ name: "ndots", value: "2" }] },
            imagePullSecrets: [{ name: "registry" }],
            securityContext: {
              runAsUser: 1000,
              runAsGroup: 1000,
              runAsNonRoot: true,
              fsGroup: 2000,
              supplementalGroups: [3000, 3001],
              seccompProfile: { type: "RuntimeDefault" },
              sysctls: [{ name: "net.ipv4.ip_local_port_range", value: "1024 65535" }],
            },
            affinity: {
              nodeAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: {
                  nodeSelectorTerms: [{ matchExpressions: [{ key: "disk", operator: "In", values: ["ssd"] }] }],
                },
                preferredDuringSchedulingIgnoredDuringExecution: [
                  { weight: 10, preference: { matchExpressions: [{ key: "zone", operator: "Exists" }] } },
                ],
              },
              podAntiAffinity: {
                preferredDuringSchedulingIgnoredDuringExecution: [
                  {
                    weight: 50,
                    podAffinityTerm: {
                      labelSelector: { matchLabels: { app: "nightly" } },
                      topologyKey: "kubernetes.io/hostname",
                    },
                  },
                ],
              },
            },
            tolerations: [
              { key: "dedicated", operator: "Equal", value: "batch", effect: "NoSchedule" },
              { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 60 },
            ],
            topologySpreadConstraints: [
              {
                maxSkew: 1,
                topologyKey: "topology.kubernetes.io/zone",
                whenUnsatisfiable: "ScheduleAnyway",
                labelSelector: { matchLabels: { app: "nightly" } },
              },
            ],
            initContainers: [
              { name: "init", image: "localhost:5000/busybox", command: ["sh", "-c", "true"], restartPolicy: "Always" },
            ],
            containers: [
              {
                name: "main",
                image: "localhost:5000/worker:v2",
                imagePullPolicy: "IfNotPresent",
                command: ["/bin/worker"],
                args: ["--mode=nightly"],
                workingDir: "/data",
                ports: [{ name: "metrics", containerPort: 9090, protocol: "TCP" }],
                env: [
                  { name: "PLAIN", value: "1" },
                  { name: "NODE", valueFrom: { fieldRef: { apiVersion: "v1", fieldPath: "spec.nodeName" } } },
                  { name: "PASSWORD", valueFrom: { secretKeyRef: { name: "db", key: "password", optional: true } } },
                  { name: "MODE", valueFrom: { configMapKeyRef: { name: "settings", key: "mode" } } },
                  {
                    name: "MEMORY_MB",
                    valueFrom: { resourceFieldRef: { containerName: "main", resource: "limits.memory", divisor: "1Mi" } },
                  },
                ],
                envFrom: [{ prefix: "CFG_", configMapRef: { name: "settings" } }, { secretRef: { name: "db", optional: false } }],
                resources: {
                  limits: { cpu: "500m", memory: "256Mi", "ephemeral-storage": "1Gi" },
                  requests: { cpu: "250m", memory: "128Mi" },
                },
                volumeMounts: [
                  { name: "scratch", mountPath: "/scratch" },
                  { name: "settings", mountPath: "/etc/settings", readOnly: true, subPath: "app.conf" },
                  { name: "token", mountPath: "/var/run/token", readOnly: true },
                ],
                livenessProbe: {
                  httpGet: { path: "/healthz", port: "metrics", scheme: "HTTP", httpHeaders: [{ name: "X-Probe", value: "1" }] },
                  initialDelaySeconds: 5,
                  periodSeconds: 10,
                  timeoutSeconds: 2,
                  failureThreshold: 3,
                  successThreshold: 1,
                },
                readinessProbe: { tcpSocket: { port: 9090 }, periodSeconds: 5 },
                startupProbe: { exec: { command: ["cat", "/tmp/ready"] }, failureThreshold: 30 },
                lifecycle: { preStop: { exec: { command: ["sleep", "5"] } }, postStart: { sleep: { seconds: 1 } } },
                securityContext: {
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  privileged: false,
                  capabilities: { drop: ["ALL"], add: ["NET_BIND_SERVICE"] },
                },
                terminationMessagePath: "/dev/termination-log",
                terminationMessagePolicy: "FallbackToLogsOnError",
              },
            ],
            volumes: [
              { name: "scratch", emptyDir: { medium: "Memory", sizeLimit: "64Mi" } },
              {
                name: "settings",
                configMap: { name: "settings", defaultMode: 420, items: [{ key: "app.conf", path: "app.conf", mode: 256 }] },
              },
              { name: "db", secret: { secretName: "db", optional: true } },
              { name: "host", hostPath: { path: "/var/log", type: "Directory" } },
              { name: "claim", persistentVolumeClaim: { claimName: "data", readOnly: true } },
              {
                name: "token",
                projected: {
                  defaultMode: 292,
                  sources: [
                    { serviceAccountToken: { audience: "vault", expirationSeconds: 3600, path: "token" } },
                    { downwardAPI: { items: [{ path: "labels", fieldRef: { fieldPath: "metadata.labels" } }] } },
                  ],
                },
              },
            ],
          },
        },
      },
    },
  },
};
