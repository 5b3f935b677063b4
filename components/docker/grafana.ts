import * as pulumi from "@pulumi/pulumi";
import { HOSTS, PATHS, PORTS } from "../observability/names";
import { type StackContext, dataVolume, internalUrl, serviceContainer } from "./container";

export interface GrafanaServerArgs {
  readonly context: StackContext;
  /** Pinned image, e.g. grafana/grafana:13.2.3. */
  readonly image: string;
  readonly memoryMb: number;
  /** Host port; the container listens on 3000. */
  readonly hostPort: number;
  readonly adminUser: string;
  /** A Pulumi secret. */
  readonly adminPassword: pulumi.Input<string>;
  /** Public URL of this Grafana (links in alerts and the UI). */
  readonly rootUrl: string;
  /** The SMTP server alert e-mail goes through; without it Grafana sends no e-mail. */
  readonly smtp?: GrafanaSmtp;
}

export interface GrafanaSmtp {
  /** host:port */
  readonly host: string;
  readonly user: string;
  /** A Pulumi secret. */
  readonly password?: pulumi.Input<string>;
  readonly fromAddress: string;
}

/**
 * Grafana's server settings as environment variables (GF_<SECTION>_<KEY>, Grafana docs
 * "Configure Grafana"): no sign-up, no anonymous access, nothing phoned home.
 */
export function grafanaEnvironment(
  args: Pick<GrafanaServerArgs, "adminUser" | "adminPassword" | "rootUrl" | "smtp">,
): pulumi.Output<string>[] {
  const smtp = args.smtp;
  return [
    pulumi.output(`GF_SECURITY_ADMIN_USER=${args.adminUser}`),
    pulumi.interpolate`GF_SECURITY_ADMIN_PASSWORD=${args.adminPassword}`,
    pulumi.output(`GF_SERVER_ROOT_URL=${args.rootUrl}`),
    pulumi.output("GF_USERS_ALLOW_SIGN_UP=false"),
    pulumi.output("GF_AUTH_ANONYMOUS_ENABLED=false"),
    pulumi.output("GF_ANALYTICS_REPORTING_ENABLED=false"),
    pulumi.output("GF_ANALYTICS_CHECK_FOR_UPDATES=false"),
    pulumi.output("GF_ANALYTICS_CHECK_FOR_PLUGIN_UPDATES=false"),
    // [smtp]: Grafana OSS sends no e-mail, alert notifications included, until it is enabled.
    ...(smtp === undefined
      ? []
      : [
          pulumi.output("GF_SMTP_ENABLED=true"),
          pulumi.output(`GF_SMTP_HOST=${smtp.host}`),
          pulumi.output(`GF_SMTP_FROM_ADDRESS=${smtp.fromAddress}`),
          ...(smtp.user === "" ? [] : [pulumi.output(`GF_SMTP_USER=${smtp.user}`)]),
          ...(smtp.password === undefined
            ? []
            : [pulumi.interpolate`GF_SMTP_PASSWORD=${smtp.password}`]),
        ]),
  ];
}

/**
 * The Grafana container. Its content (datasources, dashboard, alerts) is GrafanaContent's, which
 * depends on this component: `pulumi up` waits for the container's healthcheck before any of it.
 */
export class GrafanaServer extends pulumi.ComponentResource {
  /** URL other containers use, e.g. http://grafana:3000. */
  public readonly internalUrl: pulumi.Output<string>;
  /** The URL users and the Grafana provider use. */
  public readonly url: pulumi.Output<string>;
  public readonly containerName: pulumi.Output<string>;

  constructor(name: string, args: GrafanaServerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("timemanager:monitoring:GrafanaServer", name, {}, opts);

    const data = dataVolume(`${name}-data`, args.context, "grafana", { parent: this });
    const container = serviceContainer(
      `${name}-container`,
      {
        context: args.context,
        service: HOSTS.grafana,
        image: args.image,
        memoryMb: args.memoryMb,
        ports: [{ internal: PORTS.grafana, external: args.hostPort }],
        volumes: [{ volume: data, path: PATHS.grafanaData }],
        envs: grafanaEnvironment(args),
        // The default (Alpine) image has curl; /api/health also checks the database.
        healthcheck: {
          test: ["CMD", "curl", "-fsS", `http://localhost:${String(PORTS.grafana)}/api/health`],
          startPeriod: "30s",
        },
      },
      { parent: this },
    );

    this.internalUrl = pulumi.output(internalUrl(HOSTS.grafana, PORTS.grafana));
    this.url = pulumi.output(args.rootUrl);
    this.containerName = container.name;
    this.registerOutputs({
      internalUrl: this.internalUrl,
      url: this.url,
      containerName: this.containerName,
    });
  }
}
