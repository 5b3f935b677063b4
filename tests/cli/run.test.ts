import * as fs from "node:fs";
import * as path from "node:path";
import type { EngineEvent, OpMap, OutputMap } from "@pulumi/pulumi/automation";
import { USAGE } from "../../scripts/cli/args";
import { DEV_PASSPHRASE } from "../../scripts/cli/backend";
import type { CliChoice, CliVersions } from "../../scripts/cli/pulumi-cli";
import type { Engine, EngineStack, OperationHooks } from "../../scripts/cli/engine";
import { Interrupts, type Io, type PreStep, runCli } from "../../scripts/cli/run";
import { FAILED_UP, UPDATE } from "./events";

// The program's decisions are tested without Pulumi: loading the Automation API fails the test.
jest.mock("@pulumi/pulumi/automation", () => {
  throw new Error("the command-line program's tests must not load the Automation API");
});

const ROOT = "/checkout";
const PULUMI_YAML = "name: timemanager-monitoring\nruntime: nodejs\n";

/** A recorded engine operation: the events it sends, then its result or its error. */
interface Recording {
  readonly events: readonly EngineEvent[];
  readonly result?: OpMap;
  readonly error?: Error;
  /** Seconds the operation takes on the fake clock. */
  readonly seconds?: number;
  /** Waits for the abort signal, then fails as Pulumi does on a SIGINT. */
  readonly untilAborted?: boolean;
  /** A Ctrl-C arrives while it runs (at a terminal, the CLI gets it too and fails). */
  readonly interrupted?: boolean;
}

interface Fake {
  readonly io: Io;
  readonly engine: Engine;
  readonly out: string[];
  readonly err: string[];
  readonly calls: string[];
  interrupt(afterMs: number): void;
  readonly exits: number[];
  signal?: AbortSignal;
}

const DOCKER_OUTPUTS: OutputMap = {
  grafanaUrl: { value: "http://localhost:3001", secret: false },
  dashboardUrl: { value: "http://localhost:3001/d/timemanager-overview", secret: false },
  otlp: {
    value: {
      grpc: "http://tempo:4317",
      http: "http://tempo:4318",
      hostGrpc: "http://localhost:4317",
      hostHttp: "http://localhost:4318",
    },
    secret: false,
  },
};

function fake(
  options: {
    env?: Record<string, string>;
    files?: Record<string, string>;
    docker?: "up" | "down";
    versions?: CliVersions;
    exists?: boolean;
    plan?: Recording;
    up?: Recording;
    preview?: { text: string; result: OpMap };
    interactive?: boolean;
  } = {},
): Fake {
  let clock = 1_000_000;
  const out: string[] = [];
  const err: string[] = [];
  const calls: string[] = [];
  const exits: number[] = [];
  const handlers: (() => void)[] = [];
  const files: Record<string, string> = {
    [path.join(ROOT, "Pulumi.yaml")]: PULUMI_YAML,
    ...Object.fromEntries(
      Object.entries(options.files ?? {}).map(([f, text]) => [path.join(ROOT, f), text]),
    ),
  };
  const state: Fake = {
    out,
    err,
    calls,
    exits,
    interrupt(afterMs) {
      clock += afterMs;
      for (const handler of handlers) handler();
    },
    io: {
      root: ROOT,
      env: options.env ?? {},
      platform: "linux",
      tty: false,
      interactive: options.interactive ?? false,
      columns: () => 80,
      out: (text) => {
        if (text !== "") out.push(text);
      },
      err: (text) => err.push(text),
      readFile: (file) => files[file],
      makeDir: (dir) => calls.push(`makeDir ${dir}`),
      ping: (probe) => {
        calls.push(`ping ${probe.host}`);
        return Promise.resolve(
          options.docker === "down"
            ? { ok: false, reason: "no such socket", code: "ENOENT" }
            : { ok: true },
        );
      },
      nowMs: () => clock,
      every: () => () => undefined,
      onInterrupt: (handler) => {
        handlers.push(handler);
        return () => handlers.splice(handlers.indexOf(handler), 1);
      },
      exit: (code) => exits.push(code),
    },
    engine: {
      cliVersions: () => {
        calls.push("cliVersions");
        return Promise.resolve(options.versions ?? { onPath: "3.276.0" });
      },
      cli: (choice: CliChoice) => {
        calls.push(`cli ${choice.source}`);
        return Promise.resolve({
          command: "/checkout/.tools/pulumi/bin/pulumi",
          openStack: ({ stackName, envVars, create }) => {
            calls.push(
              `openStack ${stackName} ${JSON.stringify(envVars)} create=${String(create)}`,
            );
            if (options.exists === false && !create) return Promise.resolve(undefined);
            return Promise.resolve(stack(options.exists === false));
          },
        });
      },
    },
  };

  async function play(recording: Recording | undefined, hooks: OperationHooks): Promise<OpMap> {
    if (recording === undefined) throw new Error("no recording for this operation");
    state.signal = hooks.signal;
    for (const event of recording.events) hooks.onEvent(event);
    clock += (recording.seconds ?? 0) * 1000;
    if (recording.interrupted === true) state.interrupt(0);
    if (recording.untilAborted === true) {
      await new Promise((aborted) => hooks.signal?.addEventListener("abort", aborted));
      throw new Error("code: 255\n stdout: \n stderr: error: update canceled\n err?: \n");
    }
    if (recording.error !== undefined) throw recording.error;
    return recording.result ?? {};
  }

  function stack(created: boolean): EngineStack {
    return {
      created,
      async plan(kind, hooks) {
        calls.push(`plan ${kind}`);
        return play(options.plan, hooks);
      },
      previewDiff({ onOutput, color }) {
        calls.push(`previewDiff color=${String(color)}`);
        onOutput(options.preview?.text ?? "");
        clock += 9000;
        return Promise.resolve(options.preview?.result ?? {});
      },
      async up(hooks) {
        calls.push("up");
        return { changes: await play(options.up, hooks), outputs: DOCKER_OUTPUTS };
      },
      async destroy(hooks) {
        calls.push("destroy");
        return { changes: await play(options.up, hooks) };
      },
    };
  }
  return state;
}

const PLAN_UPDATE: Recording = {
  events: [],
  result: { create: 1, update: 1, replace: 1, same: 31 },
};
const LOCAL_ENV = JSON.stringify({
  PULUMI_BACKEND_URL: "file:///checkout/.pulumi-state",
  PULUMI_CONFIG_PASSPHRASE: DEV_PASSPHRASE,
});

describe("npm run up", () => {
  it("from a clean checkout: installs the CLI, creates dev, plans, applies and sums up", async () => {
    // Given no CLI, no stack, the Docker engine up, and the recorded update
    const f = fake({
      versions: {},
      exists: false,
      plan: PLAN_UPDATE,
      up: { events: UPDATE, seconds: 22 },
    });

    // When `npm run up` runs
    const code = await runCli(["up"], f.io, f.engine);

    // Then it exits 0 having said each step, the progress and the summary
    expect(code).toBe(0);
    expect(f.out.join("")).toBe(
      [
        "No Pulumi CLI on PATH: installing Pulumi CLI 3.276.0 into .tools/pulumi (once; your PATH stays as it is).",
        "Created stack dev in .pulumi-state/ in this checkout, its secrets encrypted with the dev passphrase (README, Set up and run).",
        "Plan for dev: 1 to create, 1 to update, 1 to replace, 31 unchanged.",
        "[0/3] +  creating   docker:index/remoteImage:RemoteImage alloy-container-image",
        "[0/3] ~  updating   grafana:oss/dashboard:Dashboard grafana-content-dashboard",
        "[1/3] ~  updated    grafana:oss/dashboard:Dashboard grafana-content-dashboard (1s)",
        "[1/3] +- replacing  docker:index/container:Container prometheus-container",
        "[2/3] +  created    docker:index/remoteImage:RemoteImage alloy-container-image (12s)",
        "[3/3] +- replaced   docker:index/container:Container prometheus-container (18s)",
        "[3/3] -- deleting original docker:index/container:Container prometheus-container",
        "[3/3] -- deleted original docker:index/container:Container prometheus-container (1s)",
        "",
        "dev is up: 1 created, 1 updated, 1 replaced, 31 unchanged in 22s.",
        "",
        "  Grafana     http://localhost:3001 (log in as admin / admin)",
        "  Dashboard   http://localhost:3001/d/timemanager-overview",
        "  OTLP gRPC   http://localhost:4317 (this machine), http://tempo:4317 (the app's network)",
        "  OTLP HTTP   http://localhost:4318 (this machine), http://tempo:4318 (the app's network)",
        "",
      ].join("\n"),
    );
    expect(f.err).toEqual([]);
    expect(f.calls).toEqual([
      "ping unix:///var/run/docker.sock",
      "cliVersions",
      "cli install",
      "makeDir /checkout/.pulumi-state",
      `openStack dev ${LOCAL_ENV} create=true`,
      "plan up",
      "up",
    ]);
  });

  it("uses the CLI on PATH when it is recent enough, silently", async () => {
    const f = fake({ versions: { onPath: "v3.280.0" }, plan: PLAN_UPDATE, up: { events: [] } });
    expect(await runCli(["up"], f.io, f.engine)).toBe(0);
    expect([f.out[0], f.calls[2]]).toEqual([
      "Plan for dev: 1 to create, 1 to update, 1 to replace, 31 unchanged.\n",
      "cli path",
    ]);
  });

  it("fails with exit 1 when a resource fails, the diagnostics shown once", async () => {
    // Given a first up whose Grafana container fails
    const f = fake({
      plan: { events: [], result: { create: 34 } },
      up: { events: FAILED_UP, seconds: 212, error: new Error("code: 255\n stderr: x\n err?: ") },
    });

    // When it runs
    const code = await runCli(["up"], f.io, f.engine);

    // Then the progress showed the error, the summary says so, nothing else is printed to stderr
    expect(code).toBe(1);
    expect(f.out.join("").split("\n").slice(-5)).toEqual([
      "error: pulumi:pulumi:Stack timemanager-monitoring-dev",
      "    update failed",
      "",
      "up of dev failed after 3m 32s (2 created, 1 failed); the errors are above.",
      "",
    ]);
    expect(f.err).toEqual([]);
  });

  it("stops after a failed plan, before anything is changed", async () => {
    // Given a plan that fails on the program's config
    const f = fake({
      plan: {
        events: [
          {
            sequence: 1,
            timestamp: 1767225600,
            diagnosticEvent: {
              message: "Invalid stack configuration:\n  - grafanaPort: got 0\n",
              color: "never",
              severity: "error",
            },
          },
        ],
        error: new Error("preview failed"),
      },
    });

    // When up runs
    const code = await runCli(["up"], f.io, f.engine);

    // Then the error is shown, the run ends there with exit 1
    expect(code).toBe(1);
    expect(f.out.join("")).toBe(
      "error:\n    Invalid stack configuration:\n      - grafanaPort: got 0\n",
    );
    expect(f.err).toEqual(["The plan for dev failed; nothing was changed.\n"]);
    expect(f.calls).not.toContain("up");
  });

  it("explains a failure the events did not, from the CLI's stderr", async () => {
    const error = new Error(
      "code: 255\n stdout: \n stderr: error: incorrect passphrase, please set PULUMI_CONFIG_PASSPHRASE\n err?: \n",
    );
    const f = fake({ plan: { events: [], error } });
    expect(await runCli(["up"], f.io, f.engine)).toBe(1);
    expect(f.err).toEqual([
      "The dev default passphrase does not decrypt stack dev's secrets: it was created with another one. Set PULUMI_CONFIG_PASSPHRASE to that one and run again.\n",
      "The plan for dev failed; nothing was changed.\n",
    ]);
  });
});

describe("Ctrl-C during an up", () => {
  it("outside a terminal: the CLI is signalled once, the run ends cancelled with exit 130", async () => {
    // Given an update that runs until it is cancelled
    const f = fake({ plan: PLAN_UPDATE, up: { events: UPDATE.slice(0, 4), untilAborted: true } });
    const running = runCli(["up"], f.io, f.engine);
    await new Promise((started) => setImmediate(started));

    // When Ctrl-C arrives, then npm's copy of it 50 ms later
    f.interrupt(0);
    f.interrupt(50);
    const code = await running;

    // Then the CLI got the abort (its SIGINT), the second signal was taken for the same Ctrl-C
    expect(code).toBe(130);
    expect(f.signal?.aborted).toBe(true);
    expect(f.exits).toEqual([]);
    expect(f.out.join("").split("\n").slice(-5)).toEqual([
      "[0/3] ~  updating   grafana:oss/dashboard:Dashboard grafana-content-dashboard",
      "Cancelling: what is in progress finishes, nothing new starts (Ctrl-C again to stop at once).",
      "",
      "up of dev cancelled after 0s (no change); npm run up takes it up again.",
      "",
    ]);
  });

  it("a second Ctrl-C later stops at once", async () => {
    const f = fake({ plan: PLAN_UPDATE, up: { events: [], untilAborted: true } });
    const running = runCli(["up"], f.io, f.engine);
    await new Promise((started) => setImmediate(started));
    f.interrupt(0);
    f.interrupt(2000);
    await running;
    expect(f.exits).toEqual([130]);
  });

  it("at a terminal: the CLI has the terminal's signal already, so it is not signalled again", async () => {
    const f = fake({
      interactive: true,
      plan: PLAN_UPDATE,
      up: { events: [], interrupted: true, error: new Error("update canceled") },
    });
    expect(await runCli(["up"], f.io, f.engine)).toBe(130);
    expect(f.signal?.aborted).toBe(false);
  });

  it("tells one Ctrl-C from npm's echo of it and from a second press", () => {
    const interrupts = new Interrupts(1000);
    expect([0, 10, 999, 1000].map((t) => interrupts.receive(t))).toEqual([
      "cancel",
      "echo",
      "echo",
      "stop",
    ]);
  });
});

describe("bad input ends with one message and exit 1, before Pulumi or Docker is asked", () => {
  it("an unknown option, with the usage", async () => {
    const f = fake();
    expect(await runCli(["up", "--stak", "prod"], f.io, f.engine)).toBe(1);
    expect(f.err).toEqual([`unknown option --stak\n\n${USAGE}`]);
    expect([f.out, f.calls]).toEqual([[], []]);
  });

  it("prod without a passphrase", async () => {
    const f = fake();
    expect(await runCli(["up", "--stack", "prod"], f.io, f.engine)).toBe(1);
    expect(f.err[0].split("\n")[0]).toBe(
      "Stack prod needs the passphrase that encrypts its secrets: only dev, in .pulumi-state/, has a default passphrase.",
    );
    expect(f.calls).toEqual([]);
  });

  it("a Docker engine that does not answer", async () => {
    const f = fake({ docker: "down" });
    expect(await runCli(["up"], f.io, f.engine)).toBe(1);
    expect(f.err).toEqual([
      "The Docker engine at unix:///var/run/docker.sock does not answer (no such socket): nothing was changed.\n" +
        "Start Docker, or point DOCKER_HOST (or the stack's docker:host) at your engine, e.g. the Host that `docker context inspect` prints.\n",
    ]);
    expect(f.calls).toEqual(["ping unix:///var/run/docker.sock"]);
  });
});

describe("the other commands and stacks", () => {
  it("asks no Docker engine for a Kubernetes stack, and uses the stack file's settings", async () => {
    const f = fake({
      env: { PULUMI_CONFIG_PASSPHRASE: "pp" },
      files: { "Pulumi.k8s-dev.yaml": "config:\n  timemanager-monitoring:platform: kubernetes\n" },
      docker: "down",
      plan: { events: [], result: { same: 60 } },
      up: { events: [] },
    });
    expect(await runCli(["up", "-s", "k8s-dev"], f.io, f.engine)).toBe(0);
    expect(f.calls.some((c) => c.startsWith("ping"))).toBe(false);
  });

  it("pings the host the stack file names", async () => {
    const f = fake({
      files: { "Pulumi.dev.yaml": "config:\n  docker:host: tcp://127.0.0.1:2375\n" },
      docker: "down",
    });
    expect(await runCli(["up"], f.io, f.engine)).toBe(1);
    expect(f.calls).toEqual(["ping tcp://127.0.0.1:2375"]);
  });

  it("previews with Pulumi's own diff, as review shows it", async () => {
    const f = fake({
      preview: {
        text: "Previewing update (dev):\n  ~ grafana-content-dashboard update\n",
        result: { update: 1, same: 33 },
      },
    });
    expect(await runCli(["preview"], f.io, f.engine)).toBe(0);
    expect(f.out).toEqual([
      "Previewing update (dev):\n  ~ grafana-content-dashboard update\n",
      "\nPlan for dev: 1 to update, 33 unchanged (9s). Nothing was changed.\n",
    ]);
    expect(f.calls.slice(-1)).toEqual(["previewDiff color=false"]);
  });

  it("destroys nothing, and creates no stack, when there is none", async () => {
    const f = fake({ exists: false });
    expect(await runCli(["destroy"], f.io, f.engine)).toBe(0);
    expect(f.out).toEqual([
      "No stack dev in .pulumi-state/ in this checkout: nothing to destroy.\n",
    ]);
    expect(f.calls.slice(-1)).toEqual([`openStack dev ${LOCAL_ENV} create=false`]);
  });

  it("destroys with a plan first, counting the deletions", async () => {
    const f = fake({
      plan: { events: [], result: { delete: 34 } },
      up: { events: [], result: { delete: 34 }, seconds: 45 },
    });
    expect(await runCli(["destroy"], f.io, f.engine)).toBe(0);
    expect(f.out).toEqual([
      "Plan for dev: 34 to delete.\n",
      "\ndev destroyed: 34 deleted in 45s.\n",
    ]);
    expect(f.calls.slice(-2)).toEqual(["plan destroy", "destroy"]);
  });
});

describe("steps before Pulumi", () => {
  it("run after the checks and before the stack is opened; a failing one stops the run", async () => {
    const order: string[] = [];
    const f = fake({ plan: PLAN_UPDATE, up: { events: [] } });
    const build: PreStep = {
      name: "build",
      run: ({ request }) => {
        order.push(`build for ${request.command} ${String(f.calls.length)}`);
        return Promise.reject(new Error("tsc found 2 errors"));
      },
    };
    expect(await runCli(["up"], f.io, f.engine, [build])).toBe(1);
    expect(order).toEqual(["build for up 3"]);
    expect(f.err).toEqual(["build failed: tsc found 2 errors\n"]);
    expect(f.calls.some((c) => c.startsWith("openStack"))).toBe(false);
  });
});

describe("the Automation API stays in one module", () => {
  const dir = path.join(__dirname, "..", "..", "scripts", "cli");
  const sources = fs.readdirSync(dir).filter((f) => f.endsWith(".ts"));

  it("is imported by main.ts only, among the program's modules", () => {
    const importers = sources.filter((f) =>
      /from "\.\/automation"/.test(fs.readFileSync(path.join(dir, f), "utf8")),
    );
    expect(importers).toEqual(["main.ts"]);
  });

  it("is the only module with more than types from @pulumi/pulumi/automation", () => {
    const valueImports = sources.filter((f) =>
      /^import (?!type )[^;]*from "@pulumi\/pulumi\/automation"/m.test(
        fs.readFileSync(path.join(dir, f), "utf8"),
      ),
    );
    expect(valueImports).toEqual(["automation.ts"]);
  });
});
