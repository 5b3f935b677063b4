import {
  attemptProgram,
  type ProgramRun,
  type Registered,
  runProgram,
  stackFileConfig,
} from "../helpers/program";
import { invalid, PROD_PASSWORD, PROJECT } from "./values";

const PASSWORD_RULE =
  "a secret of at least 12 characters other than the seed's dev default, set with `pulumi config set --secret grafanaAdminPassword`";

/** What a refused run amounts to: the error's name and message, and what it registered. */
async function refusal(stack: string, config: Record<string, string>, secretKeys?: string[]) {
  const { failure, resources } = await attemptProgram(stack, config, secretKeys);
  // Compared by name and message: the program's SettingsError comes from an isolated module
  // registry, so `instanceof` against this file's import would be false.
  const { name, message } = (failure ?? {}) as { name?: unknown; message?: unknown };
  return { name, message, resources };
}

describe("a stack with a bad setting", () => {
  const P = PROJECT;
  test.each<{ case: string; config: Record<string, string>; problem: string }>([
    {
      case: "port 0",
      config: { grafanaPort: "0" },
      problem: `${P}:grafanaPort: got 0; allowed: an integer from 1 to 65535`,
    },
    {
      case: "an unknown environment",
      config: { environment: "staging" },
      problem: `${P}:environment: got "staging"; allowed: "dev" or "prod"`,
    },
    {
      case: "an image with the latest tag",
      config: { lokiImage: "grafana/loki:latest" },
      problem: `${P}:lokiImage: got "grafana/loki:latest"; allowed: an image reference with a pinned tag, e.g. "grafana/loki:3.7.6" (not "latest")`,
    },
    {
      case: "a host name as bind address",
      config: { bindAddress: "localhost" },
      problem: `${P}:bindAddress: got "localhost"; allowed: an IPv4 or IPv6 address, e.g. "127.0.0.1"`,
    },
    {
      case: "a port two services share",
      config: { lokiPort: "9090" },
      problem: `${P}:lokiPort: got 9090, which prometheusPort already uses; allowed: a port no other key uses`,
    },
    {
      case: "a webhook contact without its URL",
      config: { alertContact: "webhook" },
      problem: `${P}:alertWebhookUrl: got nothing; allowed: a webhook URL when alertContact is "webhook"`,
    },
    {
      case: "an unknown key",
      config: { colour: "blue" },
      problem: `${P}:colour: got a key this program does not read; allowed: one of the settings in the README (config/keys.ts)`,
    },
  ])("is refused with a SettingsError before any resource: $case", async ({ config, problem }) => {
    // Given a dev stack with one bad setting (config)

    // When the program runs
    const run = await refusal("dev", config);

    // Then it fails naming the key, and registered nothing
    expect(run).toEqual({ name: "SettingsError", message: invalid(problem), resources: [] });
  });
});

describe("a kubernetes stack with a bad setting", () => {
  const P = PROJECT;
  const k8s = { platform: "kubernetes", grafanaUrl: "http://localhost:3000" };
  test.each<{ case: string; config: Record<string, string>; problems: string[] }>([
    {
      case: "no grafanaUrl",
      config: { platform: "kubernetes" },
      problems: [
        `${P}:grafanaUrl: got nothing; allowed: an http(s) URL: grafanaUrl is required with platform kubernetes: the URL of Grafana's Ingress or of a \`kubectl port-forward\`, e.g. http://localhost:3000`,
      ],
    },
    {
      case: "an upper-case namespace",
      config: { ...k8s, kubernetesNamespace: "Monitoring" },
      problems: [
        `${P}:kubernetesNamespace: got "Monitoring"; allowed: a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters`,
      ],
    },
    {
      case: "a chart version range",
      config: { ...k8s, lokiChartVersion: "^18" },
      problems: [
        `${P}:lokiChartVersion: got "^18"; allowed: an exact chart version, e.g. "88.5.3" (not a range such as "^88" or "88.x", nor "latest")`,
      ],
    },
    {
      case: "a Docker setting",
      config: { ...k8s, grafanaPort: "3002" },
      problems: [
        `${P}:grafanaPort: is a Docker setting and has no effect with platform kubernetes; remove it`,
      ],
    },
    {
      case: "object storage without its credentials",
      config: {
        ...k8s,
        objectStorageEndpoint: "minio.storage:9000",
        lokiChunksBucket: "loki-chunks",
        lokiRulerBucket: "loki-ruler",
        tempoBucket: "tempo-traces",
      },
      problems: [
        `${P}:objectStorageAccessKeyId: got nothing; allowed: a non-empty secret, set with \`pulumi config set --secret objectStorageAccessKeyId\`, required with objectStorageEndpoint`,
        `${P}:objectStorageSecretAccessKey: got nothing; allowed: a non-empty secret, set with \`pulumi config set --secret objectStorageSecretAccessKey\`, required with objectStorageEndpoint`,
      ],
    },
  ])("is refused with a SettingsError before any resource: $case", async ({ config, problems }) => {
    // Given a dev stack on Kubernetes with a bad setting (config)

    // When the program runs
    const run = await refusal("dev", config);

    // Then it fails naming each problem, and registered nothing
    expect(run).toEqual({ name: "SettingsError", message: invalid(...problems), resources: [] });
  });

  it("refuses a Kubernetes setting on the docker stack before any resource", async () => {
    // Given a dev stack on Docker with a Kubernetes setting
    const config = { lokiReplicas: "2" };

    // When the program runs
    const run = await refusal("dev", config);

    // Then it fails naming the key, and registered nothing
    expect(run).toEqual({
      name: "SettingsError",
      message: invalid(
        `${P}:lokiReplicas: is a Kubernetes setting and has no effect with platform docker; remove it`,
      ),
      resources: [],
    });
  });
});

describe("the prod stack", () => {
  it("refuses a password set in plaintext before any resource", async () => {
    // Given Pulumi.prod.yaml and a valid password set without --secret
    const config = { ...stackFileConfig("prod"), grafanaAdminPassword: PROD_PASSWORD };

    // When the program runs
    const run = await refusal("prod", config, []);

    // Then it fails naming the key and how to set it, and registered nothing
    expect(run).toEqual({
      name: "SettingsError",
      message: invalid(
        `${PROJECT}:grafanaAdminPassword: got a plaintext value; allowed: a non-empty secret, set with \`pulumi config set --secret grafanaAdminPassword\``,
      ),
      resources: [],
    });
  });

  it("refuses the seed's password, given as a secret, before any resource", async () => {
    // Given Pulumi.prod.yaml and the seed's password set with --secret
    const config = { ...stackFileConfig("prod"), grafanaAdminPassword: "admin" };

    // When the program runs
    const run = await refusal("prod", config, ["grafanaAdminPassword"]);

    // Then it fails with the password rule, and registered nothing
    expect(run).toEqual({
      name: "SettingsError",
      message: invalid(
        `${PROJECT}:grafanaAdminPassword: got the seed's dev default; allowed: ${PASSWORD_RULE}`,
      ),
      resources: [],
    });
  });

  describe("with a valid secret password", () => {
    let run: ProgramRun;
    const ofType = (type: string): Registered[] => run.resources.filter((r) => r.type === type);

    beforeAll(async () => {
      // Given Pulumi.prod.yaml and a valid password set with --secret; when the program runs
      const config = { ...stackFileConfig("prod"), grafanaAdminPassword: PROD_PASSWORD };
      run = await runProgram("prod", config, ["grafanaAdminPassword"]);
    });

    it("protects every data volume and keeps every volume on destroy", () => {
      // When the volumes are read
      const volumes = ofType("docker:index/volume:Volume").map((r) => ({
        name: r.name,
        protect: r.protect,
        retainOnDelete: r.retainOnDelete,
      }));

      // Then each is retained, and each but the log shipper's read positions is protected
      expect(volumes).toEqual(
        ["prometheus", "loki", "promtail", "tempo", "grafana"].map((service) => ({
          name: `${service}-data`,
          protect: service !== "promtail",
          retainOnDelete: true,
        })),
      );
    });

    it("binds every published port to 127.0.0.1", () => {
      // When the containers' published ports are read
      const ports = Object.fromEntries(
        ofType("docker:index/container:Container").map((r) => [r.name, r.inputs.ports]),
      );

      // Then each binds to loopback
      const loopback = (internal: number, external: number) => ({
        internal,
        external,
        ip: "127.0.0.1",
      });
      expect(ports).toEqual({
        "prometheus-container": [loopback(9090, 9090)],
        "loki-container": [loopback(3100, 3100)],
        "promtail-container": [],
        "tempo-container": [loopback(3200, 3200), loopback(4317, 4317), loopback(4318, 4318)],
        "cadvisor-container": [],
        "grafana-container": [loopback(3000, 3001)],
      });
    });

    it("exports the Grafana URL derived from its host port", () => {
      // When the stack output is read
      const { grafanaUrl } = run.outputs;

      // Then it is the default for port 3001
      expect(grafanaUrl).toBe("http://localhost:3001");
    });
  });
});
