import type * as pulumi from "@pulumi/pulumi";
import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import type * as grafanaSdk from "@pulumiverse/grafana";
import type * as contentModule from "../../../components/grafana/content";
import type { AlertSpec } from "../../../components/observability/grafana/alerts";
import type { DatasourceSpec } from "../../../components/observability/grafana/datasources";
import { type ComponentRun, runComponent } from "../../helpers/program";
import { byName, outputsOf, registered } from "../../helpers/registered";

/*
 * GrafanaContent built alone, with content of its own (not the program's datasources, dashboards
 * and alerts), and its provider given through `opts.provider`.
 */

const secret = (value: unknown) => ({ [specialSigKey]: specialSecretSig, value });
const COMPONENT = "timemanager:monitoring:GrafanaContent";
const PROVIDER =
  "urn:pulumi:test::timemanager-monitoring::pulumi:providers:grafana::grafana::grafana-id";

const DATASOURCES: DatasourceSpec[] = [
  {
    uid: "ds-metrics",
    name: "Metrics",
    type: "prometheus",
    url: "http://metrics.example:9090",
    isDefault: true,
    jsonData: { httpMethod: "POST" },
  },
  {
    uid: "ds-logs",
    name: "Logs",
    type: "loki",
    url: "http://logs.example:3100",
    isDefault: false,
    jsonData: { maxLines: 10 },
  },
];
const BOARD = JSON.stringify({ uid: "board", title: "Board" });
const ALERT: AlertSpec = {
  uid: "too-many",
  title: "Too many",
  expr: "sum(up)",
  operator: "gt",
  threshold: 3,
  for: "2m",
  severity: "warning",
  summary: "Too many targets",
  description: "{{ $values.A.Value }} targets",
  noDataState: "NoData",
  execErrState: "Error",
};

function content(alerting: contentModule.AlertContact): Promise<ComponentRun> {
  return runComponent((load) => {
    const grafana = load("@pulumiverse/grafana") as typeof grafanaSdk;
    const { secret: asSecret } = load("@pulumi/pulumi") as typeof pulumi;
    const { GrafanaContent } = load("components/grafana/content") as typeof contentModule;
    const provider = new grafana.Provider("grafana", { url: "http://grafana.test:3000" });
    return new GrafanaContent(
      "content",
      {
        url: "https://grafana.example.org",
        datasources: DATASOURCES,
        dashboards: [{ resourceName: "board", uid: "board", json: BOARD }],
        alerts: [ALERT],
        alerting: {
          ...alerting,
          ...(alerting.webhookUrl === undefined
            ? {}
            : { webhookUrl: asSecret(alerting.webhookUrl) }),
        },
      },
      { provider },
    );
  });
}

/** A child of the component, managed through the given provider. */
const child = (
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  options: Parameters<typeof registered>[3] = {},
) => registered(type, name, inputs, { parent: "content", provider: PROVIDER, ...options });

describe("GrafanaContent", () => {
  it("creates the given datasources, the folder, the dashboards and the rule group", async () => {
    // Given content without notifications
    const run = await content({ contact: "none", emails: [] });

    // Then every child goes through the given provider; the dashboards and the rule group wait
    // for the datasources, and sit in the folder by its uid
    const afterDatasources = {
      dependsOn: ["content-datasource-prometheus", "content-datasource-loki", "content-folder"],
    };
    expect(byName(run.resources.filter((r) => r.type !== "pulumi:providers:grafana"))).toEqual([
      registered(COMPONENT, "content", {}),
      child(
        "grafana:alerting/ruleGroup:RuleGroup",
        "content-alerts",
        {
          name: "timemanager-alerts",
          folderUid: "timemanager",
          intervalSeconds: 60,
          rules: [
            expect.objectContaining({
              uid: "too-many",
              name: "Too many",
              condition: "B",
              for: "2m",
              noDataState: "NoData",
              execErrState: "Error",
              labels: { severity: "warning" },
            }),
          ],
        },
        { ...afterDatasources, propertyDependencies: { folderUid: ["content-folder"] } },
      ),
      child(
        "grafana:oss/dashboard:Dashboard",
        "content-board",
        { folder: "timemanager", configJson: BOARD, overwrite: true },
        { ...afterDatasources, propertyDependencies: { folder: ["content-folder"] } },
      ),
      child("grafana:oss/dataSource:DataSource", "content-datasource-loki", {
        uid: "ds-logs",
        name: "Logs",
        type: "loki",
        url: "http://logs.example:3100",
        accessMode: "proxy",
        isDefault: false,
        jsonDataEncoded: '{"maxLines":10}',
      }),
      child("grafana:oss/dataSource:DataSource", "content-datasource-prometheus", {
        uid: "ds-metrics",
        name: "Metrics",
        type: "prometheus",
        url: "http://metrics.example:9090",
        accessMode: "proxy",
        isDefault: true,
        jsonDataEncoded: '{"httpMethod":"POST"}',
      }),
      child("grafana:oss/folder:Folder", "content-folder", {
        uid: "timemanager",
        title: "Time Manager",
      }),
    ]);

    // And its outputs name what it made, the dashboard by its URL
    expect(outputsOf(run)).toEqual({
      folderUid: "timemanager",
      dashboardUrls: { board: "https://grafana.example.org/d/board" },
      datasourceUids: { prometheus: "ds-metrics", loki: "ds-logs" },
      alertRuleUids: { "Too many": "too-many" },
    });
  });

  it("sends alerts to a webhook, its URL a secret, the contact created before the old one goes", async () => {
    const run = await content({
      contact: "webhook",
      webhookUrl: "https://hooks.example.org/x",
      emails: [],
    });
    const notifications = byName(
      run.resources.filter((r) => /contactPoint|notificationPolicy/.test(r.type)),
    );
    expect(notifications).toEqual([
      child(
        "grafana:alerting/contactPoint:ContactPoint",
        "content-contact",
        {
          name: "Time Manager webhook",
          webhooks: secret([{ url: "https://hooks.example.org/x" }]),
        },
        { createBeforeDelete: true },
      ),
      child(
        "grafana:alerting/notificationPolicy:NotificationPolicy",
        "content-policy",
        {
          contactPoint: "Time Manager webhook",
          groupBies: ["grafana_folder", "alertname", "job"],
          groupWait: "30s",
          groupInterval: "5m",
          repeatInterval: "4h",
        },
        {
          dependsOn: ["content-contact"],
          propertyDependencies: { contactPoint: ["content-contact"] },
        },
      ),
    ]);
  });

  it("sends alerts by e-mail to the given addresses", async () => {
    const run = await content({ contact: "email", emails: ["a@example.org", "b@example.org"] });
    expect(run.resources.find((r) => r.name === "content-contact")?.inputs).toEqual({
      name: "Time Manager e-mail",
      emails: [{ addresses: ["a@example.org", "b@example.org"] }],
    });
    expect(run.resources.find((r) => r.name === "content-policy")?.inputs).toMatchObject({
      contactPoint: "Time Manager e-mail",
    });
  });

  it("leaves Grafana's notification policy alone without a contact", async () => {
    const run = await content({ contact: "none", emails: ["ignored@example.org"] });
    expect(
      run.resources
        .filter((r) => /contactPoint|notificationPolicy/.test(r.type))
        .map((r) => r.name),
    ).toEqual([]);
  });
});
