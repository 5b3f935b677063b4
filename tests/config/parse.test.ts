import { isRemoteDockerHost, parseValues } from "../../config/parse";
import {
  configMap,
  DEV_VALUES,
  invalid,
  parse,
  PROD_PASSWORD,
  PROJECT,
  rejection,
  rejectionOf,
  SECRETS_SET_AS_SECRETS,
} from "./values";

const PASSWORD_RULE =
  "a secret of at least 12 characters other than the seed's dev default, set with `pulumi config set --secret grafanaAdminPassword`";

describe("parseValues defaults", () => {
  it("gives a dev stack with no config the seed's values", () => {
    // Given an empty config
    const settings = {};

    // When it is parsed
    const values = parse(settings);

    // Then every key has its dev default
    expect(values).toEqual(DEV_VALUES);
  });

  it("gives prod loopback ports, protected data and the password it is given", () => {
    // Given prod with only a valid password
    const settings = { environment: "prod", grafanaAdminPassword: PROD_PASSWORD };

    // When it is parsed
    const values = parse(settings);

    // Then only the environment-dependent values differ from dev's
    expect(values).toEqual({
      ...DEV_VALUES,
      environment: "prod",
      bindAddress: "127.0.0.1",
      protectData: true,
      grafanaAdminPassword: PROD_PASSWORD,
    });
  });

  it("derives the default grafanaUrl from grafanaPort", () => {
    // Given prod with Grafana on another host port
    const settings = {
      environment: "prod",
      grafanaAdminPassword: PROD_PASSWORD,
      grafanaPort: "3443",
    };

    // When it is parsed
    const values = parse(settings);

    // Then the URL follows the port
    expect([values.grafanaPort, values.grafanaUrl]).toEqual([3443, "http://localhost:3443"]);
  });

  it("keeps a grafanaUrl the stack sets", () => {
    // Given an explicit URL and another port
    const settings = { grafanaPort: "3443", grafanaUrl: "https://grafana.example.org" };

    // When it is parsed
    const values = parse(settings);

    // Then the URL is the one given
    expect(values.grafanaUrl).toBe("https://grafana.example.org");
  });

  it("lets prod override its environment defaults", () => {
    // Given prod with an explicit bind address and unprotected data
    const settings = {
      environment: "prod",
      grafanaAdminPassword: PROD_PASSWORD,
      bindAddress: "10.0.0.5",
      protectData: "false",
    };

    // When it is parsed
    const values = parse(settings);

    // Then the given values win over prod's defaults
    expect([values.bindAddress, values.protectData]).toEqual(["10.0.0.5", false]);
  });

  it("accepts a prod password of exactly 12 characters", () => {
    // Given prod with a 12-character password
    const settings = { environment: "prod", grafanaAdminPassword: "twelve-chars" };

    // When it is parsed
    const values = parse(settings);

    // Then the password is kept
    expect(values.grafanaAdminPassword).toBe("twelve-chars");
  });

  it("ignores keys of other namespaces, such as provider settings", () => {
    // Given a docker provider setting beside the project's keys
    const raw = { "docker:host": "unix:///var/run/docker.sock" };

    // When it is parsed
    const values = parseValues(raw, PROJECT, SECRETS_SET_AS_SECRETS);

    // Then it has no effect
    expect(values).toEqual(DEV_VALUES);
  });
});

describe("parseValues coercion", () => {
  it("reads integers given as strings", () => {
    // Given integer keys as Pulumi hands them, including the bounds
    const settings = {
      grafanaPort: "1",
      prometheusPort: "65535",
      prometheusRetentionDays: "3650",
      lokiRetentionDays: "1",
      lokiMemoryMb: "2048",
    };

    // When they are parsed
    const values = parse(settings);

    // Then they are numbers
    expect(values).toEqual({
      ...DEV_VALUES,
      grafanaPort: 1,
      prometheusPort: 65535,
      prometheusRetentionDays: 3650,
      lokiRetentionDays: 1,
      lokiMemoryMb: 2048,
      grafanaUrl: "http://localhost:1",
    });
  });

  it('reads booleans given as "true" and "false"', () => {
    // Given both boolean keys as strings
    const settings = { createAppNetwork: "true", protectData: "false" };

    // When they are parsed
    const values = parse(settings);

    // Then they are booleans
    expect(values).toEqual({ ...DEV_VALUES, createAppNetwork: true, protectData: false });
  });

  it("reads arrays given as JSON strings", () => {
    // Given e-mail alerting with two addresses as a JSON array
    const settings = {
      alertContact: "email",
      alertEmails: '["oncall@example.org","ops@example.org"]',
      smtpHost: "smtp.example.org:587",
    };

    // When it is parsed
    const values = parse(settings);

    // Then the addresses are a list
    expect(values).toEqual({
      ...DEV_VALUES,
      alertContact: "email",
      alertEmails: ["oncall@example.org", "ops@example.org"],
      smtpHost: "smtp.example.org:587",
    });
  });

  it("keeps a webhook URL when alerts go to a webhook", () => {
    // Given webhook alerting with its URL
    const settings = { alertContact: "webhook", alertWebhookUrl: "https://hooks.example.org/x" };

    // When it is parsed
    const values = parse(settings);

    // Then both are kept
    expect(values).toEqual({
      ...DEV_VALUES,
      alertContact: "webhook",
      alertWebhookUrl: "https://hooks.example.org/x",
    });
  });
});

describe("parseValues rejects", () => {
  const P = PROJECT;
  test.each<{ case: string; settings: Record<string, string>; problem: string }>([
    {
      case: "a word for an integer port",
      settings: { grafanaPort: "abc" },
      problem: `${P}:grafanaPort: got "abc"; allowed: an integer from 1 to 65535`,
    },
    {
      case: "a fraction for an integer port",
      settings: { lokiPort: "3100.5" },
      problem: `${P}:lokiPort: got "3100.5"; allowed: an integer from 1 to 65535`,
    },
    {
      case: "port 0",
      settings: { grafanaPort: "0" },
      problem: `${P}:grafanaPort: got 0; allowed: an integer from 1 to 65535`,
    },
    {
      case: "port 70000",
      settings: { prometheusPort: "70000" },
      problem: `${P}:prometheusPort: got 70000; allowed: an integer from 1 to 65535`,
    },
    {
      case: '"yes" for a boolean',
      settings: { createAppNetwork: "yes" },
      problem: `${P}:createAppNetwork: got "yes"; allowed: true or false`,
    },
    {
      case: '"True" for a boolean',
      settings: { protectData: "True" },
      problem: `${P}:protectData: got "True"; allowed: true or false`,
    },
    {
      case: "a zero retention",
      settings: { prometheusRetentionDays: "0" },
      problem: `${P}:prometheusRetentionDays: got 0; allowed: a whole number of days from 1 to 3650`,
    },
    {
      case: "a negative retention",
      settings: { lokiRetentionDays: "-1" },
      problem: `${P}:lokiRetentionDays: got -1; allowed: a whole number of days from 1 to 3650`,
    },
    {
      case: "a retention over ten years",
      settings: { tempoRetentionDays: "3651" },
      problem: `${P}:tempoRetentionDays: got 3651; allowed: a whole number of days from 1 to 3650`,
    },
    {
      case: "a memory limit under 32 MiB",
      settings: { prometheusMemoryMb: "16" },
      problem: `${P}:prometheusMemoryMb: got 16; allowed: a whole number of MiB from 32 to 262144`,
    },
    {
      case: "two keys set to the same host port",
      settings: { tempoOtlpGrpcPort: "5000", tempoOtlpHttpPort: "5000" },
      problem: `${P}:tempoOtlpHttpPort: got 5000, which tempoOtlpGrpcPort already uses; allowed: a port no other key uses`,
    },
    {
      case: "a port another key has by default, set on the later key",
      settings: { lokiPort: "9090" },
      problem: `${P}:lokiPort: got 9090, which prometheusPort already uses; allowed: a port no other key uses`,
    },
    {
      case: "a port another key has by default, set on the earlier key",
      settings: { prometheusPort: "3100" },
      problem: `${P}:prometheusPort: got 3100, which lokiPort already uses; allowed: a port no other key uses`,
    },
    {
      case: "an unknown log shipper",
      settings: { logShipper: "fluentd" },
      problem: `${P}:logShipper: got "fluentd"; allowed: "promtail" or "alloy"`,
    },
    {
      case: "an unknown environment",
      settings: { environment: "staging" },
      problem: `${P}:environment: got "staging"; allowed: "dev" or "prod"`,
    },
    {
      case: "an environment in the wrong case",
      settings: { environment: "Prod" },
      problem: `${P}:environment: got "Prod"; allowed: "dev" or "prod"`,
    },
    {
      case: "a malformed image reference",
      settings: { lokiImage: "Grafana/Loki:3.7.6" },
      problem: `${P}:lokiImage: got "Grafana/Loki:3.7.6"; allowed: an image reference with a pinned tag, e.g. "grafana/loki:3.7.6" (not "latest")`,
    },
    {
      case: "an image with the latest tag",
      settings: { grafanaImage: "grafana/grafana:latest" },
      problem: `${P}:grafanaImage: got "grafana/grafana:latest"; allowed: an image reference with a pinned tag, e.g. "grafana/loki:3.7.6" (not "latest")`,
    },
    {
      case: "an image without a tag",
      settings: { tempoImage: "grafana/tempo" },
      problem: `${P}:tempoImage: got "grafana/tempo"; allowed: an image reference with a pinned tag, e.g. "grafana/loki:3.7.6" (not "latest")`,
    },
    {
      case: "an image whose only colon is the registry port",
      settings: { prometheusImage: "registry.example.org:5000/prom/prometheus" },
      problem: `${P}:prometheusImage: got "registry.example.org:5000/prom/prometheus"; allowed: an image reference with a pinned tag, e.g. "grafana/loki:3.7.6" (not "latest")`,
    },
    {
      case: "an empty admin password",
      settings: { grafanaAdminPassword: "" },
      problem: `${P}:grafanaAdminPassword: got a secret value; allowed: a non-empty secret`,
    },
    {
      case: "a host name as bind address",
      settings: { bindAddress: "localhost" },
      problem: `${P}:bindAddress: got "localhost"; allowed: an IPv4 or IPv6 address, e.g. "127.0.0.1"`,
    },
    {
      case: "an out-of-range IPv4 bind address",
      settings: { bindAddress: "300.1.1.1" },
      problem: `${P}:bindAddress: got "300.1.1.1"; allowed: an IPv4 or IPv6 address, e.g. "127.0.0.1"`,
    },
    {
      case: "an unknown key",
      settings: { colour: "blue" },
      problem: `${P}:colour: got a key this program does not read; allowed: one of the settings in the README (config/keys.ts)`,
    },
    {
      case: "an upper-case name prefix",
      settings: { namePrefix: "TM" },
      problem: `${P}:namePrefix: got "TM"; allowed: lowercase letters, digits and '-', starting with a letter, at most 40 characters`,
    },
    {
      case: "a name prefix of 41 characters",
      settings: { namePrefix: "t".repeat(41) },
      problem: `${P}:namePrefix: got "${"t".repeat(41)}"; allowed: lowercase letters, digits and '-', starting with a letter, at most 40 characters`,
    },
    {
      case: "an upper-case compose project",
      settings: { composeProject: "Time-Manager" },
      problem: `${P}:composeProject: got "Time-Manager"; allowed: lowercase letters, digits, '_' and '-', starting with a letter or digit`,
    },
    {
      case: "a network name starting with '-'",
      settings: { appNetwork: "-net" },
      problem: `${P}:appNetwork: got "-net"; allowed: letters, digits, '_', '.', '-', starting with a letter or digit`,
    },
    {
      case: "a scrape target without a port",
      settings: { backendTarget: "backend" },
      problem: `${P}:backendTarget: got "backend"; allowed: host:port as another container reaches it, e.g. "backend:8080"`,
    },
    {
      case: 'a size written "10 gigs"',
      settings: { prometheusRetentionSize: "10 gigs" },
      problem: `${P}:prometheusRetentionSize: got "10 gigs"; allowed: a positive size with a unit B, KB, MB, GB, TB or PB, e.g. "10GB"`,
    },
    {
      case: "an ftp Grafana URL",
      settings: { grafanaUrl: "ftp://x" },
      problem: `${P}:grafanaUrl: got "ftp://x"; allowed: an http(s) URL, e.g. "http://localhost:3001"`,
    },
    {
      case: "a Grafana URL without a scheme",
      settings: { grafanaUrl: "localhost:3001" },
      problem: `${P}:grafanaUrl: got "localhost:3001"; allowed: an http(s) URL, e.g. "http://localhost:3001"`,
    },
    {
      case: "an admin user with a space",
      settings: { grafanaAdminUser: "grafana admin" },
      problem: `${P}:grafanaAdminUser: got "grafana admin"; allowed: letters, digits, '.', '_', '@' or '-'`,
    },
    {
      case: "an unknown alert contact",
      settings: { alertContact: "pager" },
      problem: `${P}:alertContact: got "pager"; allowed: "none", "webhook" or "email"`,
    },
    {
      case: "a webhook contact without alertWebhookUrl",
      settings: { alertContact: "webhook" },
      problem: `${P}:alertWebhookUrl: got nothing; allowed: a webhook URL when alertContact is "webhook"`,
    },
    {
      case: "an ftp webhook URL",
      settings: { alertContact: "webhook", alertWebhookUrl: "ftp://hooks.example.org/x" },
      problem: `${P}:alertWebhookUrl: got a secret value; allowed: an http(s) URL`,
    },
    {
      case: "an email contact without alertEmails",
      settings: { alertContact: "email", smtpHost: "smtp.example.org:587" },
      problem: `${P}:alertEmails: got []; allowed: at least one address when alertContact is "email"`,
    },
    {
      case: "an email contact without an SMTP server",
      settings: { alertContact: "email", alertEmails: '["oncall@example.org"]' },
      problem: `${P}:smtpHost: got nothing; allowed: the SMTP server's host:port when alertContact is "email"`,
    },
    {
      case: "an SMTP server without a port",
      settings: { smtpHost: "smtp.example.org" },
      problem: `${P}:smtpHost: got "smtp.example.org"; allowed: empty, or host:port, e.g. "smtp.example.org:587"`,
    },
    {
      case: "an SMTP password without a login",
      settings: { smtpHost: "smtp.example.org:587", smtpPassword: "s3cret" },
      problem: `${P}:smtpUser: got nothing; allowed: the SMTP login smtpPassword goes with`,
    },
    {
      case: "an SMTP login without an SMTP server",
      settings: { smtpUser: "grafana@example.org" },
      problem: `${P}:smtpHost: got nothing; allowed: the SMTP server's host:port that smtpUser is for`,
    },
    {
      case: "a bad sender address",
      settings: { smtpFromAddress: "grafana" },
      problem: `${P}:smtpFromAddress: got "grafana"; allowed: an e-mail address, e.g. "grafana@example.org"`,
    },
    {
      case: "a bad e-mail address",
      settings: {
        alertContact: "email",
        alertEmails: '["oncall@"]',
        smtpHost: "smtp.example.org:587",
      },
      problem: `${P}:alertEmails: got ["oncall@"]; allowed: a list of e-mail addresses, e.g. ["oncall@example.org"]`,
    },
    {
      case: "an address that is not a JSON list",
      settings: { alertEmails: "oncall@example.org" },
      problem: `${P}:alertEmails: got "oncall@example.org"; allowed: a list of e-mail addresses, e.g. ["oncall@example.org"]`,
    },
    {
      case: "prod without a password",
      settings: { environment: "prod" },
      problem: `${P}:grafanaAdminPassword: got nothing; allowed: ${PASSWORD_RULE}`,
    },
    {
      case: 'prod with the seed\'s password "admin"',
      settings: { environment: "prod", grafanaAdminPassword: "admin" },
      problem: `${P}:grafanaAdminPassword: got the seed's dev default; allowed: ${PASSWORD_RULE}`,
    },
    {
      case: "prod with an 11-character password",
      settings: { environment: "prod", grafanaAdminPassword: "eleven-char" },
      problem: `${P}:grafanaAdminPassword: got a secret shorter than 12 characters; allowed: ${PASSWORD_RULE}`,
    },
  ])("$case", ({ settings, problem }) => {
    // Given one bad setting (settings)

    // When it is parsed
    const error = rejection(settings);

    // Then the error names the key, what was given and what is allowed
    expect(error.message).toBe(invalid(problem));
  });

  it("lists every bad key in one error, in the order given", () => {
    // Given three bad keys at once
    const settings = { grafanaPort: "0", logShipper: "fluentd", colour: "blue" };

    // When they are parsed
    const error = rejection(settings);

    // Then one error lists each, one line a key
    expect(error.message).toBe(
      "Invalid stack configuration:\n" +
        "  - timemanager-monitoring:grafanaPort: got 0; allowed: an integer from 1 to 65535\n" +
        '  - timemanager-monitoring:logShipper: got "fluentd"; allowed: "promtail" or "alloy"\n' +
        "  - timemanager-monitoring:colour: got a key this program does not read; allowed: one of the settings in the README (config/keys.ts)",
    );
  });

  test.each([
    ["grafanaAdminPassword", "correct-horse-battery", "a non-empty secret"],
    ["alertWebhookUrl", "https://hooks.example.org/t0ken", "an http(s) URL"],
  ])("refuses %s set in plaintext, without echoing it", (key, value, allowed) => {
    // Given a secret key set without --secret
    const raw = configMap({
      alertContact: "webhook",
      alertWebhookUrl: "https://x.example",
      [key]: value,
    });
    const plaintext = (fullKey: string): boolean => fullKey !== `${P}:${key}`;

    // When it is parsed
    const { message } = rejectionOf(() => parseValues(raw, PROJECT, plaintext), "the stack");

    // Then the error says how to set it, and nothing else: the value is not in it
    expect(message).toBe(
      invalid(
        `${P}:${key}: got a plaintext value; allowed: ${allowed}, set with \`pulumi config set --secret ${key}\``,
      ),
    );
  });

  test.each<[Record<string, string>, string, string, string]>([
    [{ composeProject: "time-manager" }, "composeProject", '"time-manager"', "time-manager"],
    [
      { appNetwork: "timemanager-monitoring_default" },
      "appNetwork",
      '"timemanager-monitoring_default"',
      "timemanager-monitoring",
    ],
  ])("refuses the app's compose project as the stack's: %j", (settings, key, shownValue, app) => {
    // Given a stack whose compose project is the app network's (<project>_default)

    // When it is parsed
    const error = rejection(settings);

    // Then the key the stack set is named
    expect(error.message).toBe(
      invalid(
        `${P}:${key}: got ${shownValue}, which makes the stack's compose project the app's (${app}); allowed: a compose project other than the app's: the app's \`docker compose up --remove-orphans\` would delete this stack's containers`,
      ),
    );
  });

  test.each<[string, string | undefined, string | undefined, string]>([
    [
      "docker:host",
      "ssh://deploy@monitoring.example.org",
      undefined,
      "ssh://deploy@monitoring.example.org",
    ],
    ["docker:host", "tcp://10.0.0.5:2376", undefined, "tcp://10.0.0.5:2376"],
    [
      "DOCKER_HOST",
      undefined,
      "ssh://deploy@monitoring.example.org",
      "ssh://deploy@monitoring.example.org",
    ],
  ])("requires grafanaUrl when the Docker host is remote (%s)", (_, configHost, envHost, host) => {
    // Given a remote Docker host and no grafanaUrl
    const raw: Record<string, string> =
      configHost === undefined ? {} : { "docker:host": configHost };

    // When the stack is parsed
    const { message } = rejectionOf(
      () => parseValues(raw, PROJECT, SECRETS_SET_AS_SECRETS, { host: envHost }),
      "the stack",
    );

    // Then grafanaUrl is asked for: localhost would be the machine running Pulumi
    expect(message).toBe(
      invalid(
        `${P}:grafanaUrl: got nothing; allowed: the URL Grafana answers at from the machine running Pulumi, required when the Docker host may be another machine (${host})`,
      ),
    );
  });

  test.each([
    "unix:///var/run/docker.sock",
    "tcp://localhost:2375",
    "tcp://127.0.0.1:2375",
    "npipe:////./pipe/docker_engine",
  ])("needs no grafanaUrl for the local Docker host %s", (host) => {
    // Given a local Docker host
    const raw = { "docker:host": host };

    // When the stack is parsed
    const values = parseValues(raw, PROJECT, SECRETS_SET_AS_SECRETS);

    // Then Grafana is on localhost
    expect(values.grafanaUrl).toBe("http://localhost:3001");
  });

  test.each([
    ["ssh://deploy@10.0.0.5", true],
    ["tcp://10.0.0.5:2376", true],
    ["https://docker.example.org:2376", true],
    ["tcp://127.0.0.2:2375", false],
    ["tcp://LOCALHOST:2375", false],
    ["tcp://[::1]:2375", false],
    ["tcp://[::ffff:127.0.0.1]:2375", false],
    ["unix:///var/run/docker.sock", false],
    ["npipe:////./pipe/docker_engine", false],
    ["fd://", false],
  ])("tells whether %s is another machine: %s", (host, remote) => {
    // Given a Docker host address; when it is classified; then loopback and sockets are local
    expect(isRemoteDockerHost(host)).toBe(remote);
  });

  test.each([
    [{ "docker:context": "build-server" }, {}, "docker context build-server"],
    [{}, { context: "build-server" }, "docker context build-server"],
    [
      { "docker:context": "build-server", "docker:host": "unix:///var/run/docker.sock" },
      {},
      "docker context build-server",
    ],
  ])("requires grafanaUrl for a Docker context other than default: %j %j", (raw, env, shown) => {
    // Given a named Docker context, which overrides the host and may be another machine

    // When the stack is parsed
    const { message } = rejectionOf(
      () => parseValues(raw, PROJECT, SECRETS_SET_AS_SECRETS, env),
      "the stack",
    );

    // Then grafanaUrl is asked for
    expect(message).toBe(
      invalid(
        `${P}:grafanaUrl: got nothing; allowed: the URL Grafana answers at from the machine running Pulumi, required when the Docker host may be another machine (${shown})`,
      ),
    );
  });

  it("needs no grafanaUrl for the default Docker context", () => {
    // Given the default context and a remote DOCKER_HOST that the context does not override
    const values = parseValues({ "docker:context": "default" }, PROJECT, SECRETS_SET_AS_SECRETS, {
      host: "unix:///var/run/docker.sock",
    });

    // Then Grafana is on localhost
    expect(values.grafanaUrl).toBe("http://localhost:3001");
  });

  it("takes a grafanaUrl for a remote Docker host", () => {
    // Given a remote Docker host and the URL Grafana answers at
    const raw = {
      "docker:host": "ssh://deploy@monitoring.example.org",
      ...configMap({ grafanaUrl: "https://grafana.example.org" }),
    };

    // When the stack is parsed
    const values = parseValues(raw, PROJECT, SECRETS_SET_AS_SECRETS);

    // Then that URL is used
    expect(values.grafanaUrl).toBe("https://grafana.example.org");
  });

  it("lists a bad key and a broken cross-key rule in the same error", () => {
    // Given a bad port and, in prod, no admin password
    const settings = { environment: "prod", lokiPort: "99999" };

    // When they are parsed
    const error = rejection(settings);

    // Then one error names both: the user fixes them in one round
    expect(error.message).toBe(
      invalid(
        `${P}:lokiPort: got 99999; allowed: an integer from 1 to 65535`,
        `${P}:grafanaAdminPassword: got nothing; allowed: ${PASSWORD_RULE}`,
      ),
    );
  });

  it("skips a cross-key rule that reads a key which failed", () => {
    // Given a port the schema refuses and another key set to that port's default
    const settings = { grafanaPort: "http", prometheusPort: "3001" };

    // When they are parsed
    const error = rejection(settings);

    // Then only the bad key is reported: the clash with its default would be a guess
    expect(error.message).toBe(
      invalid(`${P}:grafanaPort: got "http"; allowed: an integer from 1 to 65535`),
    );
  });

  test.each<{ case: string; settings: Record<string, string>; secret: string }>([
    {
      case: "a webhook URL the schema refuses",
      settings: { alertContact: "webhook", alertWebhookUrl: "ftp://hooks.example.org/t0ken" },
      secret: "t0ken",
    },
    {
      case: "a prod password that is too short",
      settings: { environment: "prod", grafanaAdminPassword: "s3cr3t" },
      secret: "s3cr3t",
    },
    {
      case: "a secret set under a misspelt key",
      settings: { grafanaAdminPasword: "s3cr3t-but-misspelt" },
      secret: "s3cr3t",
    },
  ])("never echoes $case", ({ settings, secret }) => {
    // Given a rejected secret value (settings)

    // When it is parsed
    const error = rejection(settings);

    // Then the message does not contain the secret
    expect(error.message).not.toContain(secret);
  });
});
