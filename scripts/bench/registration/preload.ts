// Preloaded (`node -r`) into Pulumi's own program runner, @pulumi/pulumi/cmd/run, in place of the
// engine: the mocks are set before the runner loads the program, the mock monitor acknowledges
// the runner's shutdown signal as the engine does, and at exit the process reports the resources
// registered and its CPU time, as JSON on the last line of stdout.
import * as settings from "@pulumi/pulumi/runtime/settings";
import { resources } from "./mocks";

type Callback = (error: Error | null, response: object) => void;
const monitor = (
  settings as unknown as {
    getMonitor(): { signalAndWaitForShutdown?: (request: unknown, callback: Callback) => void };
  }
).getMonitor();
monitor.signalAndWaitForShutdown = (_request, callback) => {
  callback(null, {});
};

// For information only (BENCH_NO_SOURCE_MAPS): what the runner's source-map-support costs, by
// leaving stack traces to V8: it can no longer replace Error.prepareStackTrace.
if (process.env.BENCH_NO_SOURCE_MAPS === "1") {
  Object.defineProperty(Error, "prepareStackTrace", {
    configurable: false,
    get: () => undefined,
    set: () => undefined,
  });
}

process.once("exit", () => {
  const cpu = process.cpuUsage();
  process.stdout.write(
    `${JSON.stringify({ resources: resources(), ms: performance.now(), cpuMs: (cpu.user + cpu.system) / 1000 })}\n`,
  );
});
