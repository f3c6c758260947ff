// Loaded with NODE_OPTIONS="--import <this file>" into a child process that
// node will not give --cpu-prof through NODE_OPTIONS: profiles the whole
// process with the inspector and writes a .cpuprofile into
// $SKIFF_CPU_PROFILE_DIR when it exits (a clean exit, e.g. after SIGTERM).
import { Session } from "node:inspector";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

const dir = process.env.SKIFF_CPU_PROFILE_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post("Profiler.enable");
  session.post("Profiler.start");
  // In-process sessions answer synchronously, so this works inside an exit handler.
  process.once("exit", () => {
    session.post("Profiler.stop", (error, result) => {
      if (!error) writeFileSync(join(dir, `server-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
