import {
  BIND_ALL_LABEL,
  PROMTAIL_EOL,
  RESOURCE_POLICIES,
  STACK_POLICIES,
  TYPES,
  UNKNOWN,
  containerHardening,
  containerHealthcheck,
  datasourceFixedUid,
  datasourceReferencesExist,
  dockerSocketReadOnly,
  grafanaAdminPassword,
  grafanaAnonymousAdmin,
  hostPortAllInterfaces,
  imagePinnedTag,
  lokiRetentionCompactor,
  privilegedAllowList,
  promtailEndOfLife,
} from "../../policy/policies";
import { renderLokiConfig } from "../../components/observability/loki/config";
import { runProgram, stackFileConfig } from "../helpers/program";
import {
  policyResource,
  resourceArgs,
  runPack,
  unwrapSecrets,
  validateResource,
  validateStack,
} from "./harness";

/** A container that passes every policy: what serviceContainer() registers, trimmed. */
function container(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: "timemanager-loki",
    image: "grafana/loki:3.7.6",
    restart: "unless-stopped",
    memory: 512,
    logDriver: "json-file",
    logOpts: { "max-size": "10m", "max-file": "3" },
    labels: [{ label: "com.docker.compose.service", value: "loki" }],
    ports: [{ internal: 3100, external: 3100, ip: "127.0.0.1" }],
    healthcheck: { tests: ["CMD", "/usr/bin/loki", "-health"] },
    ...overrides,
  };
}

const grafanaEnvs = (password: string | undefined, extra: string[] = []) => [
  "GF_SECURITY_ADMIN_USER=admin",
  ...(password === undefined ? [] : [`GF_SECURITY_ADMIN_PASSWORD=${password}`]),
  ...extra,
];

const check = (
  policy: Parameters<typeof validateResource>[0],
  props: Record<string, unknown>,
  opts: { stack?: string; type?: string; name?: string } = {},
) => validateResource(policy, resourceArgs(opts.type ?? TYPES.container, props, opts));

describe("grafana-admin-password-not-default", () => {
  it.each([
    ["the default admin", "admin"],
    ["an empty password", ""],
  ])("rejects %s outside dev", async (what, password) => {
    const messages = await check(grafanaAdminPassword, container({ envs: grafanaEnvs(password) }));
    expect(messages).toEqual([
      `Grafana container subject has an ${what === "the default admin" ? "default (admin)" : "empty"} admin password in stack prod; only the dev stack may. Set grafanaAdminPassword with \`pulumi config set --secret\`.`,
    ]);
  });

  it("rejects a Grafana container without the password variable, which keeps admin", async () => {
    const messages = await check(grafanaAdminPassword, container({ envs: grafanaEnvs(undefined) }));
    expect(messages).toEqual([
      'Grafana container subject sets no GF_SECURITY_ADMIN_PASSWORD, so Grafana keeps its default password "admin" in stack prod. Set grafanaAdminPassword with `pulumi config set --secret`.',
    ]);
  });

  it("accepts a real password outside dev", async () => {
    const messages = await check(
      grafanaAdminPassword,
      container({ envs: grafanaEnvs("correct-horse-battery-staple") }),
    );
    expect(messages).toEqual([]);
  });

  it("no policy of the pack echoes the password, even reporting that very container", async () => {
    // Given a prod Grafana container with a real password and every other fault the pack knows
    const password = "correct-horse-battery-staple";
    const props = container({
      envs: grafanaEnvs(password, [
        "GF_AUTH_ANONYMOUS_ENABLED=true",
        "GF_AUTH_ANONYMOUS_ORG_ROLE=Admin",
      ]),
      image: "grafana/grafana:latest",
      privileged: true,
      memory: undefined,
      healthcheck: undefined,
      ports: [{ internal: 3000, external: 3001, ip: "0.0.0.0" }],
      mounts: [{ type: "bind", source: "/var/run/docker.sock", target: "/var/run/docker.sock" }],
    });
    // When every resource policy of the pack judges it
    const reports = await Promise.all(
      RESOURCE_POLICIES.map(async (policy) =>
        (await check(policy, props)).map((message) => [policy.name, message] as const),
      ),
    );
    // Then each of the other faults is reported, and no report holds the password
    expect(reports.flat().map(([name]) => name)).toEqual([
      "grafana-no-anonymous-admin",
      "host-port-all-interfaces-explicit",
      "docker-socket-read-only",
      "privileged-only-allow-listed",
      "image-pinned-tag",
      "container-limits-restart-log-rotation",
      "container-healthcheck",
    ]);
    expect(reports.flat().filter(([, message]) => message.includes(password))).toEqual([]);
  });

  it("accepts the seed's admin in the dev stack", async () => {
    const props = container({ envs: grafanaEnvs("admin") });
    expect(await check(grafanaAdminPassword, props, { stack: "dev" })).toEqual([]);
  });

  it("does not judge a password a preview cannot know yet", async () => {
    const props = container({ envs: grafanaEnvs(UNKNOWN) });
    expect(await check(grafanaAdminPassword, props)).toEqual([]);
  });
});

describe("grafana-no-anonymous-admin", () => {
  it("rejects anonymous access with the Admin role", async () => {
    const envs = grafanaEnvs("x", [
      "GF_AUTH_ANONYMOUS_ENABLED=true",
      "GF_AUTH_ANONYMOUS_ORG_ROLE=Admin",
    ]);
    expect(await check(grafanaAnonymousAdmin, container({ envs }))).toEqual([
      expect.stringContaining("GF_AUTH_ANONYMOUS_ORG_ROLE=Admin"),
    ]);
  });

  it("accepts anonymous Viewers", async () => {
    const envs = grafanaEnvs("x", [
      "GF_AUTH_ANONYMOUS_ENABLED=true",
      "GF_AUTH_ANONYMOUS_ORG_ROLE=Viewer",
    ]);
    expect(await check(grafanaAnonymousAdmin, container({ envs }))).toEqual([]);
  });

  it("accepts an Admin role while anonymous access is off", async () => {
    const envs = grafanaEnvs("x", [
      "GF_AUTH_ANONYMOUS_ENABLED=false",
      "GF_AUTH_ANONYMOUS_ORG_ROLE=Admin",
    ]);
    expect(await check(grafanaAnonymousAdmin, container({ envs }))).toEqual([]);
  });
});

describe("host-port-all-interfaces-explicit", () => {
  it.each([
    ["0.0.0.0", { internal: 3000, external: 3001, ip: "0.0.0.0" }, "on 0.0.0.0"],
    ["::", { internal: 3000, external: 3001, ip: "::" }, "on ::"],
    ["no ip", { internal: 3000, external: 3001 }, "on every interface (no ip given)"],
  ])("rejects a port on %s without the label", async (_, port, where) => {
    expect(await check(hostPortAllInterfaces, container({ ports: [port] }))).toEqual([
      expect.stringContaining(`publishes host port 3001 ${where}`),
    ]);
  });

  it("accepts a port on every interface marked deliberate", async () => {
    const props = container({
      ports: [{ internal: 3000, external: 3001, ip: "0.0.0.0" }],
      labels: [BIND_ALL_LABEL],
    });
    expect(await check(hostPortAllInterfaces, props)).toEqual([]);
  });

  it("accepts a port on loopback", async () => {
    expect(await check(hostPortAllInterfaces, container())).toEqual([]);
  });
});

describe("docker-socket-read-only", () => {
  const bind = (source: string, readOnly?: boolean) => ({
    type: "bind",
    source,
    target: source,
    ...(readOnly === undefined ? {} : { readOnly }),
  });

  it.each([
    ["the socket", "/var/run/docker.sock"],
    ["the directory holding it", "/var/run"],
  ])("rejects %s mounted writable", async (_, source) => {
    expect(await check(dockerSocketReadOnly, container({ mounts: [bind(source)] }))).toEqual([
      expect.stringContaining(`mounts ${source}`),
    ]);
  });

  it("rejects the socket as a writable legacy volume", async () => {
    const volumes = [{ hostPath: "/var/run/docker.sock", containerPath: "/var/run/docker.sock" }];
    expect(await check(dockerSocketReadOnly, container({ volumes }))).toEqual([
      "Container subject mounts /var/run/docker.sock writable: set readOnly: true.",
    ]);
  });

  it("accepts the socket mounted read-only", async () => {
    const props = container({ mounts: [bind("/var/run/docker.sock", true)] });
    expect(await check(dockerSocketReadOnly, props)).toEqual([]);
  });

  it("accepts other writable bind mounts", async () => {
    expect(await check(dockerSocketReadOnly, container({ mounts: [bind("/srv/data")] }))).toEqual(
      [],
    );
  });
});

describe("privileged-only-allow-listed", () => {
  const ALLOWED =
    "cadvisor (cAdvisor reads every container's cgroups and the kernel log (/dev/kmsg, OOM events), which needs privileged mode on cgroup v2 hosts)";
  const labelled = (service: string) => [{ label: "com.docker.compose.service", value: service }];

  it("rejects a privileged container that is not cAdvisor, giving the reason", async () => {
    const messages = await check(privilegedAllowList, container({ privileged: true }));
    expect(messages).toEqual([
      `Container subject (service loki, image grafana/loki) runs privileged: it gets every capability and every host device, i.e. root on the host. Only these may: ${ALLOWED}.`,
    ]);
  });

  it("rejects a container labelled cadvisor running another image", async () => {
    const props = container({
      privileged: true,
      labels: labelled("cadvisor"),
      image: "alpine:3.22",
    });
    expect(await check(privilegedAllowList, props)).toEqual([
      `Container subject (service cadvisor, image alpine) runs privileged: it gets every capability and every host device, i.e. root on the host. Only these may: ${ALLOWED}.`,
    ]);
  });

  it("accepts cAdvisor, whose image is the RemoteImage's id", async () => {
    const props = container({ privileged: true, labels: labelled("cadvisor"), image: UNKNOWN });
    expect(await check(privilegedAllowList, props)).toEqual([]);
  });

  it("accepts cAdvisor's published image", async () => {
    const props = container({
      privileged: true,
      labels: labelled("cadvisor"),
      image: "ghcr.io/google/cadvisor:v0.60.5",
    });
    expect(await check(privilegedAllowList, props)).toEqual([]);
  });
});

describe("image-pinned-tag", () => {
  const image = (name: string) =>
    check(imagePinnedTag, { name, keepLocally: true }, { type: TYPES.remoteImage });

  it.each([
    ["latest", "grafana/loki:latest", "is tagged latest"],
    ["no tag", "grafana/loki", "has no tag"],
    ["no tag behind a registry port", "registry:5000/loki", "has no tag"],
  ])("rejects a RemoteImage with %s", async (_, name, why) => {
    expect(await image(name)).toEqual([expect.stringContaining(why)]);
  });

  it("rejects a container whose image is a literal latest", async () => {
    expect(await check(imagePinnedTag, container({ image: "grafana/loki:latest" }))).toEqual([
      "subject uses image grafana/loki:latest, which is tagged latest: every pull may bring another version. Pin a version tag, e.g. grafana/loki:1.2.3.",
    ]);
  });

  it.each([
    ["a version tag", "grafana/loki:3.7.6"],
    ["a digest", `grafana/loki@sha256:${"a".repeat(64)}`],
    ["a registry port and a tag", "registry:5000/loki:3.7.6"],
  ])("accepts %s", async (_, name) => {
    expect(await image(name)).toEqual([]);
  });

  it("accepts a container whose image is an image id", async () => {
    const props = container({ image: `sha256:${"b".repeat(64)}` });
    expect(await check(imagePinnedTag, props)).toEqual([]);
  });
});

describe("container-limits-restart-log-rotation", () => {
  it("names every missing piece of hardening", async () => {
    const props = container({ memory: undefined, restart: "no", logOpts: {} });
    expect(await check(containerHardening, props)).toEqual([
      'Container subject lacks a memory limit (memory, in MiB), a restart policy (restart: always | unless-stopped | on-failure; got no), log rotation (logOpts["max-size"], e.g. 10m).',
    ]);
  });

  it("rejects another log driver", async () => {
    expect(await check(containerHardening, container({ logDriver: "syslog" }))).toEqual([
      expect.stringContaining("json-file logs (logDriver: json-file; got syslog)"),
    ]);
  });

  it("accepts a hardened container", async () => {
    expect(await check(containerHardening, container())).toEqual([]);
  });
});

describe("grafana-datasource-fixed-uid", () => {
  const ds = (props: Record<string, unknown>) =>
    check(datasourceFixedUid, { name: "Loki", type: "loki", ...props }, { type: TYPES.dataSource });

  it.each([
    ["no uid", {}],
    ["an empty uid", { uid: " " }],
  ])("rejects a datasource with %s", async (_, props) => {
    expect(await ds(props)).toEqual([expect.stringContaining("has no uid")]);
  });

  it("accepts a fixed uid", async () => {
    expect(await ds({ uid: "timemanager-loki" })).toEqual([]);
  });
});

describe("loki-retention-needs-compactor", () => {
  const upload = (config: Record<string, unknown>) => [
    { file: "/etc/loki/config.yaml", content: JSON.stringify(config) },
  ];

  it("rejects retention without compactor retention nor delete store", async () => {
    const props = container({ uploads: upload({ limits_config: { retention_period: "168h" } }) });
    expect(await check(lokiRetentionCompactor, props)).toEqual([
      expect.stringContaining(
        "retention_period 168h but compactor.retention_enabled is not true and compactor.delete_request_store is not set",
      ),
    ]);
  });

  it("rejects retention with the compactor on but no delete store", async () => {
    const config = {
      limits_config: { retention_period: "168h" },
      compactor: { retention_enabled: true },
    };
    expect(await check(lokiRetentionCompactor, container({ uploads: upload(config) }))).toEqual([
      expect.stringContaining("but compactor.delete_request_store is not set"),
    ]);
  });

  it("accepts the program's rendered Loki config", async () => {
    const uploads = [
      { file: "/etc/loki/config.yaml", content: renderLokiConfig({ retentionDays: 7 }) },
    ];
    expect(await check(lokiRetentionCompactor, container({ uploads }))).toEqual([]);
  });

  it("rejects the same config in a Kubernetes ConfigMap, as the Loki chart renders it", async () => {
    const props = {
      metadata: { name: "loki", namespace: "monitoring" },
      data: { "config.yaml": JSON.stringify({ limits_config: { retention_period: "168h" } }) },
    };
    const messages = await check(lokiRetentionCompactor, props, {
      type: TYPES.configMap,
      name: "kubernetes-loki:monitoring/loki",
    });
    expect(messages).toEqual([
      "Loki config config.yaml in kubernetes-loki:monitoring/loki sets retention_period 168h but compactor.retention_enabled is not true and compactor.delete_request_store is not set: the compactor never deletes anything and logs are kept for ever.",
    ]);
  });

  it("accepts the program's rendered Loki config in a ConfigMap", async () => {
    const props = { data: { "config.yaml": renderLokiConfig({ retentionDays: 7 }) } };
    expect(await check(lokiRetentionCompactor, props, { type: TYPES.configMap })).toEqual([]);
  });

  it("accepts a config without a retention period", async () => {
    const props = container({ uploads: upload({ limits_config: { max_streams_per_user: 0 } }) });
    expect(await check(lokiRetentionCompactor, props)).toEqual([]);
  });
});

describe("grafana-datasource-references-exist", () => {
  const datasource = policyResource(TYPES.dataSource, {
    uid: "timemanager-prometheus",
    jsonDataEncoded: JSON.stringify({
      exemplarTraceIdDestinations: [{ name: "trace_id", datasourceUid: "timemanager-tempo" }],
    }),
  });
  const tempo = policyResource(TYPES.dataSource, { uid: "timemanager-tempo" }, { name: "tempo" });
  const dashboard = (uid: string) =>
    policyResource(
      TYPES.dashboard,
      {
        configJson: JSON.stringify({
          panels: [
            {
              datasource: { type: "prometheus", uid },
              targets: [{ datasource: { uid: "${ds}" } }],
            },
            { datasource: { type: "datasource", uid: "-- Grafana --" } },
          ],
        }),
      },
      { name: "dashboard" },
    );
  const rules = (uid: string) =>
    policyResource(
      TYPES.ruleGroup,
      {
        rules: [
          {
            datas: [
              { refId: "A", datasourceUid: uid, model: JSON.stringify({ datasource: { uid } }) },
              { refId: "B", datasourceUid: "__expr__", model: "{}" },
            ],
          },
        ],
      },
      { name: "rules" },
    );

  it("rejects a dashboard panel pointing at a datasource the stack does not create", async () => {
    const reported = await validateStack(datasourceReferencesExist, [
      datasource,
      tempo,
      dashboard("gone"),
    ]);
    expect(reported).toEqual([
      {
        message:
          'dashboard.panels[0].datasource.uid references datasource uid "gone", which this stack does not create (it creates: timemanager-prometheus, timemanager-tempo).',
        urn: dashboard("gone").urn,
      },
    ]);
  });

  it("rejects an alert rule query, and its model, pointing at an unknown datasource", async () => {
    const reported = await validateStack(datasourceReferencesExist, [
      datasource,
      tempo,
      rules("gone"),
    ]);
    expect(reported.map((r) => r.message.split(" ")[0])).toEqual([
      "rules.rules[0].datas[0].datasourceUid",
      "rules.rules[0].datas[0].model.datasource.uid",
    ]);
  });

  it("rejects a datasource linking to one the stack does not create", async () => {
    expect(await validateStack(datasourceReferencesExist, [datasource])).toEqual([
      {
        message:
          'subject.jsonDataEncoded.exemplarTraceIdDestinations[0].datasourceUid references datasource uid "timemanager-tempo", which this stack does not create (it creates: timemanager-prometheus).',
        urn: datasource.urn,
      },
    ]);
  });

  it("accepts references to created datasources, variables and Grafana's built-ins", async () => {
    const resources = [
      datasource,
      tempo,
      dashboard("timemanager-prometheus"),
      rules("timemanager-prometheus"),
    ];
    expect(await validateStack(datasourceReferencesExist, resources)).toEqual([]);
  });
});

describe("promtail-end-of-life (advisory)", () => {
  it("flags the Promtail image", async () => {
    const messages = await check(
      promtailEndOfLife,
      { name: "grafana/promtail:3.6.11" },
      { type: TYPES.remoteImage },
    );
    expect(messages).toEqual([expect.stringContaining(`end of life on ${PROMTAIL_EOL}`)]);
    expect(promtailEndOfLife.enforcementLevel).toBe("advisory");
  });

  it("does not flag Grafana Alloy", async () => {
    expect(
      await check(
        promtailEndOfLife,
        { name: "grafana/alloy:v1.12.0" },
        { type: TYPES.remoteImage },
      ),
    ).toEqual([]);
  });
});

describe("container-healthcheck (advisory)", () => {
  it.each([
    ["no healthcheck", undefined],
    ["a disabled one", { tests: ["NONE"] }],
  ])("flags %s", async (_, healthcheck) => {
    expect(await check(containerHealthcheck, container({ healthcheck }))).toEqual([
      expect.stringContaining("has no healthcheck"),
    ]);
    expect(containerHealthcheck.enforcementLevel).toBe("advisory");
  });

  it("accepts a container with a healthcheck", async () => {
    expect(await check(containerHealthcheck, container())).toEqual([]);
  });
});

describe("the committed stacks pass the pack", () => {
  const stacks: [string, Record<string, string>, string[]][] = [
    ["dev", stackFileConfig("dev"), []],
    [
      "prod",
      { ...stackFileConfig("prod"), grafanaAdminPassword: "correct-horse-battery-staple" },
      ["grafanaAdminPassword"],
    ],
  ];

  it.each(stacks)(
    "%s: no mandatory violation, Promtail's end of life advised",
    async (stack, config, secrets) => {
      // Given every resource the program registers for the stack
      const { resources } = await runProgram(stack, config, secrets);
      // When the whole pack runs over them
      const violations = await runPack(stack, resources, RESOURCE_POLICIES, STACK_POLICIES);
      // Then nothing mandatory is reported, and the only advice is about Promtail
      expect(violations.filter((v) => v.enforcementLevel === "mandatory")).toEqual([]);
      // (under mocks the container's image is the RemoteImage's name, so both are flagged; in a
      // real preview the container's image is an image id and only the RemoteImage is)
      const advisory = violations.filter((v) => v.enforcementLevel === "advisory");
      expect(advisory.map((v) => v.urn?.split("::").slice(2).join("::"))).toEqual([
        "docker:index/remoteImage:RemoteImage::promtail-container-image",
        "docker:index/container:Container::promtail-container",
      ]);
      expect(new Set(advisory.map((v) => v.policy))).toEqual(new Set(["promtail-end-of-life"]));
    },
  );

  it.each([
    ["dev", {}, []],
    ["prod", { grafanaAdminPassword: "correct-horse-battery-staple" }, ["grafanaAdminPassword"]],
  ] as [string, Record<string, string>, string[]][])(
    "%s on Kubernetes: no violation, mandatory or advisory, on what the program registers",
    async (stack, extra, secrets) => {
      // Given every resource the program registers for the stack on Kubernetes
      const { resources } = await runProgram(
        stack,
        {
          ...stackFileConfig(stack),
          platform: "kubernetes",
          grafanaUrl: "http://localhost:3000",
          ...extra,
        },
        secrets,
      );
      expect(resources.some((r) => r.type === "kubernetes:helm.sh/v4:Chart")).toBe(true);
      // When the whole pack runs over them
      const violations = await runPack(stack, resources, RESOURCE_POLICIES, STACK_POLICIES);
      // Then nothing is reported (the charts' rendered objects exist only in a real preview)
      expect(violations.map((v) => `${v.policy}: ${v.message}`)).toEqual([]);
    },
  );

  it("prod with the seed's password fails the pack (the config check's twin)", async () => {
    // parseValues refuses admin in prod, so the program never gets this far: feed the policy
    // the prod Grafana container with the password swapped.
    const { resources } = await runProgram(
      "prod",
      { ...stackFileConfig("prod"), grafanaAdminPassword: "correct-horse-battery-staple" },
      ["grafanaAdminPassword"],
    );
    const grafana = resources.find((r) => r.name === "grafana-container");
    const envs = (unwrapSecrets(grafana?.inputs.envs) as string[]).map((e) =>
      e.startsWith("GF_SECURITY_ADMIN_PASSWORD=") ? "GF_SECURITY_ADMIN_PASSWORD=admin" : e,
    );
    const violations = await runPack(
      "prod",
      [{ ...(grafana ?? resources[0]), inputs: { ...grafana?.inputs, envs } }],
      [grafanaAdminPassword],
      [],
    );
    expect(violations.map((v) => v.policy)).toEqual(["grafana-admin-password-not-default"]);
  });
});
