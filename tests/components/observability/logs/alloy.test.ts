import { parse } from "yaml";
import {
  alloyRelabelRules,
  renderAlloyConfig,
} from "../../../../components/observability/logs/alloy";
import {
  attr,
  block,
  call,
  concat,
  ref,
  renderAlloy,
} from "../../../../components/observability/logs/alloy-syntax";
import { renderPromtailConfig } from "../../../../components/observability/logs/promtail";

const pushUrl = "http://loki:3100/loki/api/v1/push";

const expected = `discovery.docker "containers" {
	host             = "unix:///var/run/docker.sock"
	refresh_interval = "5s"
}

discovery.relabel "containers" {
	targets = []

	rule {
		source_labels = ["__meta_docker_container_name"]
		regex         = "/(.*)"
		target_label  = "container_name"
	}

	rule {
		source_labels = ["__meta_docker_container_label_com_docker_compose_service"]
		target_label  = "compose_service"
	}

	rule {
		source_labels = ["__meta_docker_container_label_com_docker_compose_project"]
		target_label  = "compose_project"
	}

	rule {
		source_labels = ["__meta_docker_container_log_stream"]
		target_label  = "stream"
	}
}

loki.source.docker "containers" {
	host          = "unix:///var/run/docker.sock"
	targets       = discovery.docker.containers.targets
	forward_to    = [loki.write.default.receiver]
	relabel_rules = discovery.relabel.containers.rules
}

loki.write "default" {
	endpoint {
		url = "http://loki:3100/loki/api/v1/push"
	}
}
`;

/** A relabel rule in Prometheus' shape, as both shippers spell it (only what they use). */
interface RelabelRule {
  readonly source_labels: readonly string[];
  readonly regex?: string;
  readonly target_label: string;
  readonly replacement?: string;
  readonly action?: string;
}

interface PromtailDocument {
  readonly scrape_configs: readonly { readonly relabel_configs: readonly RelabelRule[] }[];
}

/**
 * Prometheus relabeling, action replace only: source values joined by ";", the regex anchored at
 * both ends, $n expanded in the replacement, an empty result deletes the target; labels starting
 * with "__" are dropped afterwards, as both shippers do before sending.
 */
function relabel(
  meta: Readonly<Record<string, string>>,
  rules: readonly RelabelRule[],
): Record<string, string> {
  const labels: Record<string, string> = { ...meta };
  for (const rule of rules) {
    if ((rule.action ?? "replace") !== "replace") {
      throw new Error(`unsupported action ${String(rule.action)}`);
    }
    const value = rule.source_labels.map((name) => labels[name] ?? "").join(";");
    const match = new RegExp(`^(?:${rule.regex ?? "(.*)"})$`).exec(value);
    if (match === null) continue;
    const result = (rule.replacement ?? "$1").replace(
      /\$(\d+)/g,
      (_, group: string) => match[Number(group)] ?? "",
    );
    if (result === "") {
      // eslint-disable-next-line @typescript-eslint/no-dynamic-delete
      delete labels[rule.target_label];
    } else {
      labels[rule.target_label] = result;
    }
  }
  return Object.fromEntries(Object.entries(labels).filter(([name]) => !name.startsWith("__")));
}

const backendStdout = {
  __meta_docker_container_id: "4f1c0e2a9b7d",
  __meta_docker_container_name: "/timemanager-backend",
  __meta_docker_container_label_com_docker_compose_service: "backend",
  __meta_docker_container_label_com_docker_compose_project: "timemanager",
  __meta_docker_container_log_stream: "stdout",
  __meta_docker_network_name: "timemanager_default",
};

describe("renderAlloyConfig", () => {
  it("renders the whole Docker-discovery config for Loki's push URL", () => {
    // Given Loki's push URL
    const opts = { lokiPushUrl: pushUrl };

    // When the config is rendered
    const config = renderAlloyConfig(opts);

    // Then it is exactly the expected file
    expect(config).toBe(expected);
  });

  it("changes only the endpoint URL when the push URL changes", () => {
    // Given another push URL
    const opts = { lokiPushUrl: "http://logs:3100/loki/api/v1/push" };

    // When the config is rendered
    const config = renderAlloyConfig(opts);

    // Then only the url line differs
    expect(config).toBe(
      expected.replace(
        'url = "http://loki:3100/loki/api/v1/push"',
        'url = "http://logs:3100/loki/api/v1/push"',
      ),
    );
  });

  it("gives a log line the same labels as Promtail for the same container metadata", () => {
    // Given Promtail's relabel_configs and Alloy's rules, and one container's stdout metadata
    const promtail = parse(renderPromtailConfig({ lokiPushUrl: pushUrl })) as PromtailDocument;
    const promtailRules = promtail.scrape_configs[0].relabel_configs;
    const alloyRules = alloyRelabelRules().map((rule): RelabelRule => ({
      source_labels: rule.sourceLabels,
      ...(rule.regex === undefined ? {} : { regex: rule.regex }),
      target_label: rule.targetLabel,
    }));

    // When each shipper's rules are applied to it
    const fromPromtail = relabel(backendStdout, promtailRules);
    const fromAlloy = relabel(backendStdout, alloyRules);

    // Then both label sets are equal, and are the expected ones
    expect(fromAlloy).toEqual(fromPromtail);
    expect(fromAlloy).toEqual({
      container_name: "timemanager-backend",
      compose_service: "backend",
      compose_project: "timemanager",
      stream: "stdout",
    });
  });
});

describe("renderAlloy", () => {
  it("escapes quotes, backslashes and control characters in strings and labels", () => {
    // Given a block whose label holds quotes, and whose value holds a backslash path, quotes and
    // a newline
    const blocks = [block("loki.write", 'a "b"', [attr("url", 'C:\\logs\\"x"\n')])];

    // When it is rendered
    const text = renderAlloy(blocks);

    // Then each is a double-quoted literal with backslash escapes
    const url = String.raw`"C:\\logs\\\"x\"\n"`;
    expect(text).toBe(`loki.write ${String.raw`"a \"b\""`} {\n\turl = ${url}\n}\n`);
  });

  it("refuses an attribute name that is not an identifier", () => {
    // Given an attribute name with a space
    const build = () => attr("bad name", "x");

    // When it is built, then it throws, naming it
    expect(build).toThrow('Alloy attribute name "bad name" is not an identifier');
  });

  it("writes a call and a concatenation as Alloy expressions, strings quoted", () => {
    // Given a field built from a literal, a standard-library call and a reference
    const value = concat("node=", call("sys.env", ["HOSTNAME"]), ref("a.b.c"));

    // When it is rendered
    const text = renderAlloy([block("x", [attr("field", value)])]);

    // Then the operands are joined by +, the call's argument quoted, the reference bare
    expect(text).toBe('x {\n\tfield = "node=" + sys.env("HOSTNAME") + a.b.c\n}\n');
  });

  it("refuses a concatenation of fewer than two operands and a function that is no name", () => {
    expect(() => concat("a")).toThrow("Alloy concatenation needs at least two operands");
    expect(() => call("sys env", [])).toThrow('Alloy function "sys env" is not an identifier');
  });
});
