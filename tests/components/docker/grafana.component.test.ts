import type * as pulumi from "@pulumi/pulumi";
import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import type * as grafanaModule from "../../../components/docker/grafana";
import { runComponent } from "../../helpers/program";
import {
  CONTEXT,
  TYPES,
  byName,
  containerOptions,
  hardened,
  healthcheck,
  image,
  outputsOf,
  registered,
  volume,
} from "./expected";

const secret = (value: unknown) => ({ [specialSigKey]: specialSecretSig, value });
const PASSWORD = "correct-horse-battery-staple";

/** GrafanaServer built alone, its admin password a Pulumi secret. */
function grafanaServer(args: Partial<grafanaModule.GrafanaServerArgs> = {}) {
  return runComponent((load) => {
    const { GrafanaServer } = load("components/docker/grafana") as typeof grafanaModule;
    const { secret: asSecret } = load("@pulumi/pulumi") as typeof pulumi;
    return new GrafanaServer("dashboards", {
      context: CONTEXT,
      image: "grafana/grafana:13.2.3",
      memoryMb: 400,
      hostPort: 13001,
      adminUser: "root",
      adminPassword: asSecret(PASSWORD),
      rootUrl: "https://grafana.example.org",
      ...args,
    });
  });
}

const ENV = [
  "GF_SECURITY_ADMIN_USER=root",
  `GF_SECURITY_ADMIN_PASSWORD=${PASSWORD}`,
  "GF_SERVER_ROOT_URL=https://grafana.example.org",
  "GF_USERS_ALLOW_SIGN_UP=false",
  "GF_AUTH_ANONYMOUS_ENABLED=false",
  "GF_ANALYTICS_REPORTING_ENABLED=false",
  "GF_ANALYTICS_CHECK_FOR_UPDATES=false",
  "GF_ANALYTICS_CHECK_FOR_PLUGIN_UPDATES=false",
];

describe("GrafanaServer", () => {
  it("runs Grafana on its protected volume with the admin login as a secret environment", async () => {
    const run = await grafanaServer();
    expect(byName(run.resources)).toEqual([
      registered("timemanager:monitoring:GrafanaServer", "dashboards", {}),
      registered(
        TYPES.container,
        "dashboards-container",
        {
          ...hardened("grafana", "grafana/grafana:13.2.3", 400),
          networksAdvanced: [{ name: "tm-net", aliases: ["grafana"] }],
          ports: [{ internal: 3000, external: 13001, ip: "127.0.0.1" }],
          uploads: [],
          mounts: [{ type: "volume", source: "tm_grafana_data", target: "/var/lib/grafana" }],
          // The whole list is secret: one of its entries is
          envs: secret(ENV),
          ...healthcheck(["CMD", "curl", "-fsS", "http://localhost:3000/api/health"], "30s"),
        },
        containerOptions("dashboards", true),
      ),
      image("dashboards", "dashboards-container", "grafana/grafana:13.2.3"),
      volume("dashboards", "grafana"),
    ]);
    expect(outputsOf(run)).toEqual({
      internalUrl: "http://grafana:3000",
      url: "https://grafana.example.org",
      containerName: "tm-grafana",
    });
  });

  it("sets Grafana's SMTP server when given one, the password as a secret", async () => {
    const run = await grafanaServer({
      smtp: {
        host: "smtp.example.org:587",
        user: "grafana@example.org",
        password: "smtp-s3cret",
        fromAddress: "alerts@example.org",
      },
    });
    const container = run.resources.find((r) => r.type === TYPES.container);
    expect(container?.inputs.envs).toEqual(
      secret([
        ...ENV,
        "GF_SMTP_ENABLED=true",
        "GF_SMTP_HOST=smtp.example.org:587",
        "GF_SMTP_FROM_ADDRESS=alerts@example.org",
        "GF_SMTP_USER=grafana@example.org",
        "GF_SMTP_PASSWORD=smtp-s3cret",
      ]),
    );
  });

  it("sends no SMTP login when the server wants none", async () => {
    const run = await grafanaServer({
      smtp: { host: "relay:25", user: "", fromAddress: "alerts@example.org" },
    });
    const container = run.resources.find((r) => r.type === TYPES.container);
    expect(container?.inputs.envs).toEqual(
      secret([
        ...ENV,
        "GF_SMTP_ENABLED=true",
        "GF_SMTP_HOST=relay:25",
        "GF_SMTP_FROM_ADDRESS=alerts@example.org",
      ]),
    );
  });
});
