import * as pulumi from "@pulumi/pulumi";
import { toSettings } from "../../config";
import { parseValues } from "../../config/parse";
import { configMap, PROD_PASSWORD, PROJECT, SECRETS_SET_AS_SECRETS } from "./values";

/** Settings for `settings` (keys without the project prefix), as the stack "test" gets them. */
function settingsOf(settings: Record<string, string>) {
  return toSettings(
    parseValues(configMap(settings), PROJECT, SECRETS_SET_AS_SECRETS),
    PROJECT,
    "test",
  );
}

/** An Output's secrecy and value. */
async function reveal<T>(output: pulumi.Output<T>): Promise<{ secret: boolean; value: T }> {
  const value = await new Promise<T>((resolve) => output.apply(resolve));
  return { secret: await pulumi.isSecret(output), value };
}

/** Paths of the objects and arrays under `value` that are not frozen; Outputs are left alone. */
function unfrozen(value: unknown, at = "settings"): string[] {
  if (value === null || typeof value !== "object" || pulumi.Output.isInstance(value)) return [];
  const children = Object.entries(value).flatMap(([k, v]) => unfrozen(v, `${at}.${k}`));
  return Object.isFrozen(value) ? children : [at, ...children];
}

describe("toSettings", () => {
  it("groups the dev defaults by what they configure", () => {
    // Given a dev stack with no config
    const settings = settingsOf({});

    // When its settings are built
    const { grafana, alerting, ...plain } = settings;

    // Then every value sits in its group
    expect({ plain, adminUser: grafana.adminUser, url: grafana.url, alerting }).toEqual({
      plain: {
        project: PROJECT,
        stack: "test",
        environment: "dev",
        namePrefix: "timemanager",
        composeProject: "timemanager-monitoring",
        bindAddress: "0.0.0.0",
        hostPorts: {
          grafana: 3001,
          prometheus: 9090,
          loki: 3100,
          tempo: 3200,
          tempoOtlpGrpc: 4317,
          tempoOtlpHttp: 4318,
        },
        images: {
          prometheus: "prom/prometheus:v3.13.3",
          loki: "grafana/loki:3.7.6",
          promtail: "grafana/promtail:3.6.11",
          tempo: "grafana/tempo:3.0.3",
          cadvisor: "ghcr.io/google/cadvisor:v0.60.5",
          grafana: "grafana/grafana:13.2.3",
          alloy: "grafana/alloy:v1.20.1",
        },
        memoryMb: {
          prometheus: 1024,
          loki: 512,
          promtail: 256,
          tempo: 1024,
          cadvisor: 256,
          grafana: 512,
          alloy: 256,
        },
        retention: { prometheusDays: 15, prometheusSize: "10GB", lokiDays: 7, tempoDays: 7 },
        appNetwork: { name: "time-manager_default", create: false },
        scrapeTargets: { backend: "backend:8080", traefik: "traefik:8082" },
        logShipper: "promtail",
        protectData: false,
      },
      adminUser: "admin",
      url: "http://localhost:3001",
      alerting: { contact: "none", emails: [] },
    });
  });

  it("returns a deeply frozen object", () => {
    // Given e-mail alerting, so that the settings hold a non-empty list too
    const settings = settingsOf({
      alertContact: "email",
      alertEmails: '["oncall@example.org"]',
      smtpHost: "smtp.example.org:587",
    });

    // When every object and array in it is checked
    const mutable = unfrozen(settings);

    // Then none can be changed
    expect(mutable).toEqual([]);
  });

  it("refuses a change to a nested value", () => {
    // Given the dev settings
    const settings = settingsOf({});

    // When a nested value is assigned
    const assign = () => {
      (settings.hostPorts as { grafana: number }).grafana = 80;
    };

    // Then strict mode throws
    expect(assign).toThrow(TypeError);
  });

  it("carries the admin password as a Pulumi secret", async () => {
    // Given prod with a password
    const settings = settingsOf({ environment: "prod", grafanaAdminPassword: PROD_PASSWORD });

    // When the password output is revealed
    const password = await reveal(settings.grafana.adminPassword);

    // Then it is the password, marked secret
    expect(password).toEqual({ secret: true, value: PROD_PASSWORD });
  });

  it("carries the seed's dev password as a Pulumi secret too", async () => {
    // Given a dev stack with no config
    const settings = settingsOf({});

    // When the password output is revealed
    const password = await reveal(settings.grafana.adminPassword);

    // Then it is the seed's, still marked secret
    expect(password).toEqual({ secret: true, value: "admin" });
  });

  it("carries the webhook URL as a Pulumi secret for a webhook contact", async () => {
    // Given webhook alerting
    const settings = settingsOf({
      alertContact: "webhook",
      alertWebhookUrl: "https://hooks.example.org/t0ken",
    });

    // When the webhook URL is revealed
    const { webhookUrl } = settings.alerting;
    const revealed = webhookUrl && (await reveal(webhookUrl));

    // Then it is the URL, marked secret
    expect(revealed).toEqual({ secret: true, value: "https://hooks.example.org/t0ken" });
  });

  test.each<{ contact: string; settings: Record<string, string>; emails: string[] }>([
    { contact: "none", settings: {}, emails: [] },
    {
      contact: "email",
      settings: {
        alertContact: "email",
        alertEmails: '["oncall@example.org"]',
        smtpHost: "smtp.example.org:587",
        alertWebhookUrl: "https://hooks.example.org/unused",
      },
      emails: ["oncall@example.org"],
    },
  ])("has no webhook URL for contact $contact", ({ contact, settings, emails }) => {
    // Given a non-webhook contact (a webhook URL set beside e-mail is ignored)

    // When its alerting settings are built
    const { alerting } = settingsOf(settings);

    // Then they hold the contact and addresses only
    expect(alerting).toStrictEqual({ contact, emails });
  });
});
