// The test images: every one is busybox plus a few files. Tags match what
// containerd's config (sandbox_image) and the e2e tests refer to.

export interface ImageDefinition {
  repository: string;
  tag: string;
  /** Extra files by absolute path inside the image. */
  files: Record<string, { content: string; mode: number }>;
  entrypoint?: string[];
  cmd: string[];
  exposedPorts?: number[];
}

// busybox httpd as PID 1 would ignore SIGTERM (PID 1 gets no default signal
// actions), so a shell that traps TERM stays PID 1 and waits on httpd.
function webServer(version: string): ImageDefinition {
  return {
    repository: "web",
    tag: version,
    files: {
      "/bin/web-server": {
        content: [
          "#!/bin/sh",
          `echo "web ${version} $(hostname)" > /www/index.html`,
          "trap 'exit 0' TERM INT",
          "httpd -f -p 80 -h /www &",
          "wait",
          "",
        ].join("\n"),
        mode: 0o755,
      },
    },
    cmd: ["/bin/web-server"],
    exposedPorts: [80],
  };
}

export const imageDefinitions: readonly ImageDefinition[] = [
  { repository: "busybox", tag: "latest", files: {}, cmd: ["sh"] },
  webServer("v1"),
  webServer("v2"),
  {
    repository: "pause",
    tag: "3.9",
    files: {
      // The sandbox's PID 1: exits at once on TERM, unlike a bare `sleep`.
      "/pause": {
        content: ["#!/bin/sh", "trap 'exit 0' TERM INT", "while :; do sleep 3600 & wait; done", ""].join("\n"),
        mode: 0o755,
      },
    },
    cmd: ["/pause"],
  },
];
