import type { EngineEvent } from "@pulumi/pulumi/automation";
import { describeUrn, formatDuration, Progress } from "../../scripts/cli/progress";
import { DASHBOARD, FAILED_UP, GRAFANA, PROMETHEUS, STACK, T0, UPDATE } from "./events";

const CLEAR = "\r\x1b[2K";
const dim = (s: string) => `\x1b[2m${s}\x1b[0m`;
const bold = (s: string) => `\x1b[1m${s}\x1b[0m`;
const green = (s: string) => `\x1b[32m${s}\x1b[0m`;
const yellow = (s: string) => `\x1b[33m${s}\x1b[0m`;
const magenta = (s: string) => `\x1b[35m${s}\x1b[0m`;
const red = (s: string) => `\x1b[31m${s}\x1b[0m`;

/** Every event's text, in order, from a fresh renderer. */
function render(events: readonly EngineEvent[], progress: Progress): string[] {
  return events.map((e) => progress.event(e));
}

describe("Progress on plain output (CI)", () => {
  it("shows a create, an update and a replace as they start and end, with the count and durations", () => {
    // Given the recorded events of an update whose plan had 3 changes
    const progress = new Progress({ mode: "apply", tty: false, total: 3 });

    // When they are rendered
    const text = render(UPDATE, progress).join("") + progress.finish();

    // Then each change has a start and an end line; the replacement counts once, its old copy's
    // deletion at the end does not
    expect(text).toBe(
      [
        "[0/3] +  creating   docker:index/remoteImage:RemoteImage alloy-container-image",
        "[0/3] ~  updating   grafana:oss/dashboard:Dashboard grafana-content-dashboard",
        "[1/3] ~  updated    grafana:oss/dashboard:Dashboard grafana-content-dashboard (1s)",
        "[1/3] +- replacing  docker:index/container:Container prometheus-container",
        "[2/3] +  created    docker:index/remoteImage:RemoteImage alloy-container-image (12s)",
        "[3/3] +- replaced   docker:index/container:Container prometheus-container (18s)",
        "[3/3] -- deleting original docker:index/container:Container prometheus-container",
        "[3/3] -- deleted original docker:index/container:Container prometheus-container (1s)",
        "",
      ].join("\n"),
    );
    expect([progress.completed, progress.failed, progress.reportedErrors]).toEqual([3, 0, false]);
    expect(progress.summary?.resourceChanges).toEqual({
      create: 1,
      update: 1,
      replace: 1,
      same: 31,
    });
  });

  it("shows a failure with the provider's full diagnostics under it, and the engine's last error", () => {
    // Given the recorded events of a first up (34 creates planned) whose Grafana container fails
    const progress = new Progress({ mode: "apply", tty: false, total: 34 });

    // When they are rendered
    const text = render(FAILED_UP, progress).join("") + progress.finish();

    // Then the failure line carries the error it had, and the stack's "update failed" follows
    expect(text).toBe(
      [
        "[ 0/34] +  creating   pulumi:pulumi:Stack timemanager-monitoring-dev",
        "[ 0/34] +  creating   docker:index/network:Network networks-monitoring",
        "[ 0/34] +  creating   docker:index/remoteImage:RemoteImage grafana-container-image",
        "[ 1/34] +  created    docker:index/network:Network networks-monitoring (1s)",
        "[ 2/34] +  created    docker:index/remoteImage:RemoteImage grafana-container-image (30s)",
        "[ 2/34] +  creating   docker:index/container:Container grafana-container",
        "[ 2/34] x  create failed docker:index/container:Container grafana-container (3m 00s)",
        "    1 error occurred:",
        "    \t* container timemanager-grafana did not become healthy within 180s: unhealthy",
        "error: pulumi:pulumi:Stack timemanager-monitoring-dev",
        "    update failed",
        "",
      ].join("\n"),
    );
    expect([progress.completed, progress.failed, progress.reportedErrors]).toEqual([2, 1, true]);
  });

  it("shows a delete-before-replace replacement as one change", () => {
    // Given a replacement whose old copy goes first (deleteBeforeReplace)
    const progress = new Progress({ mode: "apply", tty: false, total: 1 });
    const step = (
      seconds: number,
      kind: "resourcePreEvent" | "resOutputsEvent",
      op: "delete-replaced" | "replace" | "create-replacement",
    ): EngineEvent => ({
      sequence: seconds,
      timestamp: T0 + seconds,
      [kind]: {
        metadata: { op, urn: PROMETHEUS, type: "docker:index/container:Container", provider: "" },
      },
    });
    const events = [
      step(0, "resourcePreEvent", "delete-replaced"),
      step(1, "resOutputsEvent", "delete-replaced"),
      step(1, "resourcePreEvent", "replace"),
      step(1, "resOutputsEvent", "replace"),
      step(1, "resourcePreEvent", "create-replacement"),
      step(5, "resOutputsEvent", "create-replacement"),
    ];

    // When they are rendered
    const text = render(events, progress).join("");

    // Then it starts with the deletion and ends with the new copy, counted once
    expect(text).toBe(
      [
        "[0/1] +- replacing  docker:index/container:Container prometheus-container",
        "[1/1] +- replaced   docker:index/container:Container prometheus-container (5s)",
        "",
      ].join("\n"),
    );
  });

  it("counts without a denominator when no plan gave a total", () => {
    // Given a renderer without a total
    const progress = new Progress({ mode: "apply", tty: false });

    // When the update's first three events are rendered
    const text = render(UPDATE.slice(0, 5), progress).join("");

    // Then the count is what is done so far
    expect(text.split("\n")[2]).toBe(
      "[1] ~  updated    grafana:oss/dashboard:Dashboard grafana-content-dashboard (1s)",
    );
  });

  it("shows warnings and policy violations where they happen", () => {
    // Given a warning and an advisory policy violation during an update
    const progress = new Progress({ mode: "apply", tty: false, total: 1 });
    const events: EngineEvent[] = [
      {
        sequence: 1,
        timestamp: T0,
        diagnosticEvent: {
          urn: DASHBOARD,
          message: "the dashboard's schemaVersion 41 is newer than this Grafana's\n",
          color: "never",
          severity: "warning",
        },
      },
      {
        sequence: 2,
        timestamp: T0,
        policyEvent: {
          resourceUrn: PROMETHEUS,
          message: "Container has no healthcheck.\nAdd one so that `pulumi up` waits for it.",
          color: "never",
          policyName: "container-healthcheck",
          policyPackName: "timemanager-monitoring",
          policyPackVersion: "0.0.1",
          policyPackVersionTag: "v0.0.1",
          enforcementLevel: "warning",
        },
      },
      {
        sequence: 3,
        timestamp: T0,
        diagnosticEvent: {
          message: "progress 40%",
          color: "never",
          severity: "info",
          ephemeral: true,
        },
      },
    ];

    // When they are rendered
    const text = render(events, progress).join("");

    // Then each is a header line and its message indented; the ephemeral line is not kept
    expect(text).toBe(
      [
        "warning: grafana:oss/dashboard:Dashboard grafana-content-dashboard",
        "    the dashboard's schemaVersion 41 is newer than this Grafana's",
        "policy violation (warning): timemanager-monitoring/container-healthcheck on docker:index/container:Container prometheus-container",
        "    Container has no healthcheck.",
        "    Add one so that `pulumi up` waits for it.",
        "",
      ].join("\n"),
    );
    expect(progress.reportedErrors).toBe(false);
  });
});

describe("Progress on a terminal", () => {
  it("colours the lines and keeps a status line of what is in progress below them", () => {
    // Given the recorded update on an 80-column terminal
    const progress = new Progress({ mode: "apply", tty: true, total: 3, columns: 80 });
    const image = `docker:index/remoteImage:RemoteImage ${bold("alloy-container-image")}`;
    const dashboard = `grafana:oss/dashboard:Dashboard ${bold("grafana-content-dashboard")}`;
    const prometheus = `docker:index/container:Container ${bold("prometheus-container")}`;

    // When each event is rendered
    const chunks = render(UPDATE, progress);

    // Then each event's text takes the status line down, writes its lines, and puts it back
    expect(chunks).toEqual([
      "",
      "",
      `${dim("[0/3]")} ${green("+  creating")}   ${image}\n` +
        dim("0/3 done, 1 in progress: alloy-container-image 0s"),
      `${CLEAR}${dim("[0/3]")} ${yellow("~  updating")}   ${dashboard}\n` +
        dim("0/3 done, 2 in progress: alloy-container-image 0s, grafana-content-dashboard 0s"),
      `${CLEAR}${dim("[1/3]")} ${yellow("~  updated")}    ${dashboard} ${dim("(1s)")}\n` +
        dim("1/3 done, 1 in progress: alloy-container-image 1s"),
      `${CLEAR}${dim("[1/3]")} ${magenta("+- replacing")}  ${prometheus}\n` +
        dim("1/3 done, 2 in progress: alloy-container-image 1s, prometheus-container 0s"),
      `${CLEAR}${dim("[2/3]")} ${green("+  created")}    ${image} ${dim("(12s)")}\n` +
        dim("2/3 done, 1 in progress: prometheus-container 11s"),
      `${CLEAR}${dim("2/3 done, 1 in progress: prometheus-container 18s")}`,
      "",
      `${CLEAR}${dim("[3/3]")} ${magenta("+- replaced")}   ${prometheus} ${dim("(18s)")}\n`,
      `${dim("[3/3]")} ${red("-- deleting original")} ${prometheus}\n` +
        dim("3/3 done, 1 in progress: prometheus-container 0s"),
      `${CLEAR}${dim("[3/3]")} ${red("-- deleted original")} ${prometheus} ${dim("(1s)")}\n`,
      "",
      "",
      "",
    ]);
    expect(progress.finish()).toBe("");
  });

  it("redraws the status line's timers every tick, cut to the terminal's width", () => {
    // Given the update up to the dashboard's start, on a 60-column terminal
    const progress = new Progress({ mode: "apply", tty: true, total: 3, columns: 60 });
    render(UPDATE.slice(0, 4), progress);

    // When the clock ticks 9 s later, and again without a change
    const tick = progress.tick(T0 + 10);
    const same = progress.tick(T0 + 10);

    // Then the line is replaced in place, cut with an ellipsis at 59 columns
    expect(tick).toBe(
      `${CLEAR}${dim("0/3 done, 2 in progress: alloy-container-image 9s, grafana…")}`,
    );
    expect(same).toBe("");
  });

  it("writes a note above the status line and removes the line at the end", () => {
    // Given a create in progress
    const progress = new Progress({ mode: "apply", tty: true, total: 3, columns: 80 });
    render(UPDATE.slice(0, 3), progress);

    // When the program notes a cancellation, and the run finishes
    const note = progress.note("Cancelling.");
    const end = progress.finish();

    // Then the note goes above the status line, and the end clears it
    expect(note).toBe(
      `${CLEAR}Cancelling.\n${dim("0/3 done, 1 in progress: alloy-container-image 0s")}`,
    );
    expect(end).toBe(CLEAR);
  });

  it("shows a failure in red with its diagnostics", () => {
    // Given the failed first up
    const progress = new Progress({ mode: "apply", tty: true, total: 34, columns: 200 });

    // When it is rendered
    const chunks = render(FAILED_UP, progress);

    // Then the failure and the stack's error are red, with the messages as they came
    expect(chunks[8]).toBe(
      `${CLEAR}${dim("[ 2/34]")} ${red("x  create failed")} docker:index/container:Container ${bold("grafana-container")} ${dim("(3m 00s)")}\n` +
        "    1 error occurred:\n" +
        "    \t* container timemanager-grafana did not become healthy within 180s: unhealthy\n",
    );
    expect(chunks[10]).toBe(
      `${red("error:")} pulumi:pulumi:Stack ${bold("timemanager-monitoring-dev")}\n    update failed\n`,
    );
  });
});

describe("Progress of a plan", () => {
  it("shows only what stops it: errors and mandatory policy violations", () => {
    // Given a preview in which the program rejects its config, with a warning and two policies
    const progress = new Progress({ mode: "plan", tty: false });
    const policy = (enforcementLevel: "warning" | "mandatory", name: string): EngineEvent => ({
      sequence: 0,
      timestamp: T0,
      policyEvent: {
        resourceUrn: GRAFANA,
        message: `${name} broken`,
        color: "never",
        policyName: name,
        policyPackName: "timemanager-monitoring",
        policyPackVersion: "0.0.1",
        policyPackVersionTag: "v0.0.1",
        enforcementLevel,
      },
    });
    const events: EngineEvent[] = [
      {
        sequence: 1,
        timestamp: T0,
        resourcePreEvent: {
          metadata: {
            op: "create",
            urn: GRAFANA,
            type: "docker:index/container:Container",
            provider: "",
          },
          planning: true,
        },
      },
      {
        sequence: 2,
        timestamp: T0,
        diagnosticEvent: {
          urn: STACK,
          message: "deprecated\n",
          color: "never",
          severity: "warning",
        },
      },
      policy("warning", "container-healthcheck"),
      policy("mandatory", "image-pinned-tag"),
      {
        sequence: 3,
        timestamp: T0,
        diagnosticEvent: {
          urn: STACK,
          message:
            "Running program '/work/main' failed with an unhandled exception:\nInvalid stack configuration:\n  - grafanaPort: got 70000, expected a port 1-65535\n",
          color: "never",
          severity: "error",
        },
      },
    ];

    // When they are rendered
    const text = render(events, progress).join("") + progress.finish();

    // Then the mandatory violation and the program's error show, in full
    expect(text).toBe(
      [
        "policy violation (mandatory): timemanager-monitoring/image-pinned-tag on docker:index/container:Container grafana-container",
        "    image-pinned-tag broken",
        "error: pulumi:pulumi:Stack timemanager-monitoring-dev",
        "    Running program '/work/main' failed with an unhandled exception:",
        "    Invalid stack configuration:",
        "      - grafanaPort: got 70000, expected a port 1-65535",
        "",
      ].join("\n"),
    );
    expect(progress.reportedErrors).toBe(true);
  });
});

describe("the renderer's helpers", () => {
  it("reads the type and name of nested and top-level URNs", () => {
    expect([describeUrn(PROMETHEUS), describeUrn(STACK)]).toEqual([
      { type: "docker:index/container:Container", name: "prometheus-container" },
      { type: "pulumi:pulumi:Stack", name: "timemanager-monitoring-dev" },
    ]);
  });

  it("formats durations in seconds, minutes and hours", () => {
    expect([0, 7.4, 59.6, 125, 3600, 3725].map(formatDuration)).toEqual([
      "0s",
      "7s",
      "1m 00s",
      "2m 05s",
      "1h 00m",
      "1h 02m",
    ]);
  });
});
