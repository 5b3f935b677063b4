import * as pulumi from "@pulumi/pulumi";
import * as grafana from "@pulumiverse/grafana";
import { GRAFANA_UIDS } from "../observability/names";
import {
  type AlertSpec,
  EVALUATION_INTERVAL_SECONDS,
  ruleInput,
} from "../observability/grafana/alerts";
import type { DatasourceSpec } from "../observability/grafana/datasources";

/** Where alerts go. With `none`, Grafana's own notification policy stays as it is. */
export interface AlertContact {
  readonly contact: "none" | "webhook" | "email";
  /** The webhook's URL (a secret), for `webhook`. */
  readonly webhookUrl?: pulumi.Input<string>;
  /** Recipients, for `email`. */
  readonly emails: readonly string[];
}

/** One dashboard of the folder. */
export interface DashboardSpec {
  /**
   * The Dashboard resource is named `<name>-<resourceName>`: its identity in the stack's state,
   * so it must not change once deployed.
   */
  readonly resourceName: string;
  /** The model's own uid: the dashboard's URL is `<url>/d/<uid>`. */
  readonly uid: string;
  /** The dashboard's model, as JSON. */
  readonly json: string;
}

export interface GrafanaContentArgs {
  /** Grafana's URL as a person opens it: the dashboard links are built on it. */
  readonly url: string;
  /** The datasources, with the URLs the platform gives them. */
  readonly datasources: readonly DatasourceSpec[];
  /** The dashboards of the Time Manager folder. */
  readonly dashboards: readonly DashboardSpec[];
  /** The alert rules of the one rule group. */
  readonly alerts: readonly AlertSpec[];
  readonly alerting: AlertContact;
}

/** How long the provider keeps retrying while Grafana finishes starting: 12 x 5 s. */
const PROVIDER_RETRIES = 12;
const PROVIDER_RETRY_WAIT_SECONDS = 5;

export interface GrafanaProviderArgs {
  /** URL of the Grafana API, from the machine running Pulumi. */
  readonly url: string;
  readonly adminUser: string;
  /** A Pulumi secret. */
  readonly adminPassword: pulumi.Input<string>;
}

/**
 * The Grafana provider every content resource uses, authenticated as the admin. Give it
 * `dependsOn` the Grafana server, so that nothing it manages is created before Grafana answers.
 */
export function grafanaProvider(
  name: string,
  args: GrafanaProviderArgs,
  opts?: pulumi.CustomResourceOptions,
): grafana.Provider {
  return new grafana.Provider(
    name,
    {
      url: args.url,
      auth: pulumi.secret(pulumi.interpolate`${args.adminUser}:${args.adminPassword}`),
      retries: PROVIDER_RETRIES,
      retryWait: PROVIDER_RETRY_WAIT_SECONDS,
      retryStatusCodes: ["429", "502", "503", "504"],
    },
    opts,
  );
}

/**
 * What lives inside Grafana: datasources, the folder, its dashboards, the alert rules
 * and, when configured, where alerts are sent. The same on every platform: all of it comes in
 * through `args`, and the Grafana provider through `opts.provider`.
 */
export class GrafanaContent extends pulumi.ComponentResource {
  public readonly folderUid: pulumi.Output<string>;
  /** Each dashboard's URL, by uid, once it exists. */
  public readonly dashboardUrls: pulumi.Output<Record<string, string>>;
  /** Datasource UIDs by type. */
  public readonly datasourceUids: pulumi.Output<Record<string, string>>;
  /** Alert rule UIDs by title. */
  public readonly alertRuleUids: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: GrafanaContentArgs, opts?: pulumi.ComponentResourceOptions) {
    super("timemanager:monitoring:GrafanaContent", name, {}, opts);

    // Every child inherits the provider given in `opts`.
    const inGrafana = { parent: this };

    const datasources = args.datasources.map(
      (ds) =>
        new grafana.oss.DataSource(
          `${name}-datasource-${ds.type}`,
          {
            uid: ds.uid,
            name: ds.name,
            type: ds.type,
            url: ds.url,
            accessMode: "proxy",
            isDefault: ds.isDefault,
            jsonDataEncoded: JSON.stringify(ds.jsonData),
          },
          inGrafana,
        ),
    );

    const folder = new grafana.oss.Folder(
      `${name}-folder`,
      { uid: GRAFANA_UIDS.folder, title: "Time Manager" },
      inGrafana,
    );
    const dashboards = args.dashboards.map(
      (d) =>
        new grafana.oss.Dashboard(
          `${name}-${d.resourceName}`,
          { folder: folder.uid, configJson: d.json, overwrite: true },
          { ...inGrafana, dependsOn: datasources },
        ),
    );
    const rules = new grafana.alerting.RuleGroup(
      `${name}-alerts`,
      {
        name: GRAFANA_UIDS.alertGroup,
        folderUid: folder.uid,
        intervalSeconds: EVALUATION_INTERVAL_SECONDS,
        rules: args.alerts.map(ruleInput),
      },
      { ...inGrafana, dependsOn: datasources },
    );
    this.notifications(name, args.alerting, inGrafana);

    this.folderUid = folder.uid;
    // The uid is the model's own (stable); wait for the dashboards so the links work once shown.
    this.dashboardUrls = pulumi
      .all(dashboards.map((d) => d.id))
      .apply(() =>
        Object.fromEntries(args.dashboards.map((d) => [d.uid, `${args.url}/d/${d.uid}`])),
      );
    this.datasourceUids = pulumi.output(
      Object.fromEntries(args.datasources.map((ds) => [ds.type, ds.uid])),
    );
    this.alertRuleUids = rules.rules.apply((rs) =>
      Object.fromEntries(rs.map((r) => [r.name, r.uid])),
    );
    this.registerOutputs({
      folderUid: this.folderUid,
      dashboardUrls: this.dashboardUrls,
      datasourceUids: this.datasourceUids,
      alertRuleUids: this.alertRuleUids,
    });
  }

  /** A contact point and the root policy routing every alert to it. */
  private notifications(
    name: string,
    alerting: AlertContact,
    opts: pulumi.CustomResourceOptions,
  ): void {
    if (alerting.contact === "none") return;
    const point = new grafana.alerting.ContactPoint(
      `${name}-contact`,
      alerting.contact === "webhook" && alerting.webhookUrl !== undefined
        ? { name: "Time Manager webhook", webhooks: [{ url: alerting.webhookUrl }] }
        : { name: "Time Manager e-mail", emails: [{ addresses: [...alerting.emails] }] },
      // Its name is ForceNew and given here, so the bridge would delete the old contact point
      // first, while the policy still routes to it, which Grafana refuses: a switch from webhook
      // to e-mail creates the new one, moves the policy, then deletes the old one.
      { ...opts, deleteBeforeReplace: false },
    );
    new grafana.alerting.NotificationPolicy(
      `${name}-policy`,
      {
        contactPoint: point.name,
        groupBies: ["grafana_folder", "alertname", "job"],
        groupWait: "30s",
        groupInterval: "5m",
        repeatInterval: "4h",
      },
      opts,
    );
  }
}
