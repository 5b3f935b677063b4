/**
 * Grafana's dashboard variables replaced by values, as Grafana does before it sends a query: for
 * the grammar checks and the live test (tests/) and the benchmark (scripts/bench), which share it
 * from here.
 */

/**
 * Values Grafana's built-in variables take in the checks: any valid duration or number does, as
 * only the syntax is checked.
 */
export const GRAFANA_BUILTIN_VALUES: Readonly<Record<string, string>> = {
  __rate_interval: "1m",
  __interval: "1m",
  __interval_ms: "60000",
  __range: "6h",
  __range_s: "21600",
  __range_ms: "21600000",
  __auto: "1m",
};

/** `$name`, `${name}`, `${name:format}` and the deprecated `[[name]]`, `[[name:format]]`. */
const VARIABLE = /\$(\w+)|\$\{(\w+)(?::[^}]*)?\}|\[\[(\w+)(?::[^\]]*)?\]\]/g;

/**
 * Replaces Grafana's variables with concrete values, as Grafana does before it sends a query, so
 * the result can be parsed. `values` gives the dashboard's own variables (e.g. `{ path: ".*" }`)
 * and may override the built-ins. A variable with no value is an error rather than left in place:
 * inside a string literal (`path=~"$pth"`) a misspelt name would otherwise still parse.
 * Capture-group references (`$1`, `${1}`, as in label_replace) are not variables and stay.
 */
export function substituteGrafanaVariables(
  expr: string,
  values: Readonly<Record<string, string>> = {},
): string {
  const known = new Map(Object.entries({ ...GRAFANA_BUILTIN_VALUES, ...values }));
  return expr.replace(
    VARIABLE,
    (match: string, plain?: string, braced?: string, bracketed?: string): string => {
      const name = plain ?? braced ?? bracketed ?? "";
      if (/^\d+$/.test(name)) {
        return match;
      }
      const value = known.get(name);
      if (value === undefined) {
        throw new Error(
          `unknown Grafana variable ${match} in ${expr}; known: ${[...known.keys()].join(", ")}`,
        );
      }
      return value;
    },
  );
}
