import type { OutputMap } from "@pulumi/pulumi/automation";
import {
  changesDone,
  changesPlanned,
  countChanges,
  loginHint,
  renderSummary,
  type SummaryInput,
} from "../../scripts/cli/summary";

const out = (value: unknown) => ({ value, secret: false });

/** The outputs of a dev stack on Docker, as `index.ts` exports them. */
const DOCKER_OUTPUTS: OutputMap = {
  grafanaUrl: out("http://localhost:3001"),
  dashboardUrl: out("http://localhost:3001/d/timemanager-overview"),
  otlp: out({
    grpc: "http://tempo:4317",
    http: "http://tempo:4318",
    hostGrpc: "http://localhost:4317",
    hostHttp: "http://localhost:4318",
  }),
  containerNames: out({ grafana: "timemanager-grafana" }),
};

const UP: SummaryInput = {
  command: "up",
  stack: "dev",
  outcome: "succeeded",
  changes: { create: 34 },
  failed: 0,
  seconds: 134.4,
  outputs: DOCKER_OUTPUTS,
  settings: {},
};

describe("change counts", () => {
  const changes = { create: 1, update: 2, replace: 1, delete: 3, same: 30 };

  it("counts every change but the unchanged", () => {
    expect(countChanges(changes)).toBe(7);
  });

  it("names what changed and what would, in a fixed order", () => {
    expect([changesDone(changes), changesPlanned(changes)]).toEqual([
      "1 created, 2 updated, 1 replaced, 3 deleted, 30 unchanged",
      "1 to create, 2 to update, 1 to replace, 3 to delete, 30 unchanged",
    ]);
  });

  it("says so when nothing changes", () => {
    expect([changesDone({}), changesPlanned({ same: 34 })]).toEqual(["no change", "34 unchanged"]);
  });
});

describe("loginHint", () => {
  it("gives dev's seed login, which is no secret", () => {
    expect(loginHint({}, "dev")).toBe("log in as admin / admin");
  });

  it("points at the stack's password otherwise, never showing it", () => {
    expect([
      loginHint({ environment: "prod", grafanaAdminUser: "ops" }, "prod"),
      loginHint({ grafanaAdminPassword: { secure: "v1:x" } }, "dev"),
    ]).toEqual([
      "log in as ops with the stack's grafanaAdminPassword (pulumi config get grafanaAdminPassword --stack prod)",
      "log in as admin with the stack's grafanaAdminPassword (pulumi config get grafanaAdminPassword --stack dev)",
    ]);
  });
});

describe("renderSummary", () => {
  it("ends an up with what changed, how long it took and the addresses a person needs", () => {
    expect(renderSummary(UP)).toBe(
      [
        "",
        "dev is up: 34 created in 2m 14s.",
        "",
        "  Grafana     http://localhost:3001 (log in as admin / admin)",
        "  Dashboard   http://localhost:3001/d/timemanager-overview",
        "  OTLP gRPC   http://localhost:4317 (this machine), http://tempo:4317 (the app's network)",
        "  OTLP HTTP   http://localhost:4318 (this machine), http://tempo:4318 (the app's network)",
        "",
      ].join("\n"),
    );
  });

  it("adds the SLO dashboard when the stack has one", () => {
    const outputs = { ...DOCKER_OUTPUTS, sloDashboardUrl: out("http://localhost:3001/d/slo") };
    expect(
      renderSummary({ ...UP, outputs })
        .split("\n")
        .slice(4, 6),
    ).toEqual([
      "  Dashboard   http://localhost:3001/d/timemanager-overview",
      "  SLOs        http://localhost:3001/d/slo",
    ]);
  });

  it("gives the in-cluster OTLP endpoints on Kubernetes", () => {
    const outputs: OutputMap = {
      grafanaUrl: out("http://localhost:3000"),
      otlp: out({
        grpc: "http://tempo.monitoring.svc:4317",
        http: "http://tempo.monitoring.svc:4318",
      }),
    };
    const text = renderSummary({
      ...UP,
      stack: "k8s-dev",
      changes: { update: 1, same: 60 },
      outputs,
      settings: { platform: "kubernetes" },
    });
    expect(text.split("\n").slice(1)).toEqual([
      "k8s-dev is up: 1 updated, 60 unchanged in 2m 14s.",
      "",
      "  Grafana     http://localhost:3000 (log in as admin / admin)",
      "  OTLP gRPC   http://tempo.monitoring.svc:4317 (in the cluster)",
      "  OTLP HTTP   http://tempo.monitoring.svc:4318 (in the cluster)",
      "",
    ]);
  });

  it("ends a failed run with what it did, what failed, and where the errors are", () => {
    expect(
      renderSummary({ ...UP, outcome: "failed", changes: { create: 2 }, failed: 1, seconds: 212 }),
    ).toBe("\nup of dev failed after 3m 32s (2 created, 1 failed); the errors are above.\n");
  });

  it("ends a cancelled run with the command that takes it up again", () => {
    expect(
      renderSummary({
        ...UP,
        stack: "prod",
        outcome: "cancelled",
        changes: { update: 3 },
        seconds: 62,
      }),
    ).toBe(
      "\nup of prod cancelled after 1m 02s (3 updated); npm run up -- --stack prod takes it up again.\n",
    );
  });

  it("ends a destroy and a preview with their counts", () => {
    expect([
      renderSummary({ ...UP, command: "destroy", changes: { delete: 34 }, seconds: 45 }),
      renderSummary({ ...UP, command: "preview", changes: { update: 2, same: 32 }, seconds: 9 }),
    ]).toEqual([
      "\ndev destroyed: 34 deleted in 45s.\n",
      "\nPlan for dev: 2 to update, 32 unchanged (9s). Nothing was changed.\n",
    ]);
  });
});
