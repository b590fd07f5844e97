/**
 * A strict reader of the Prometheus text exposition format (0.0.4), enough to check what agents
 * serve on /metrics: every sample line belongs to a family announced by # HELP and # TYPE.
 */

/** One parsed sample line. */
export interface PrometheusSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A parsed exposition. */
export interface PrometheusExposition {
  help: Map<string, string>;
  types: Map<string, string>;
  samples: PrometheusSample[];
}

const metricName = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const labelPair = '[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\[\\\\"n])*"';
const sampleLine = new RegExp(
  `^(${metricName})(?:\\{((?:${labelPair})(?:,(?:${labelPair}))*)?\\})? (-?[0-9.eE+-]+|NaN|[+-]Inf)$`,
);

/** Parses the text; throws naming the first line that breaks the format. */
export function parsePrometheusText(text: string): PrometheusExposition {
  if (!text.endsWith('\n')) throw new Error('exposition must end with a newline');
  const result: PrometheusExposition = { help: new Map(), types: new Map(), samples: [] };
  for (const [index, line] of text.slice(0, -1).split('\n').entries()) {
    const where = `line ${index + 1}: ${line}`;
    if (line.startsWith('# HELP ')) {
      const match = new RegExp(`^# HELP (${metricName}) (.*)$`).exec(line);
      if (!match) throw new Error(`bad HELP, ${where}`);
      result.help.set(match[1]!, match[2]!);
      continue;
    }
    if (line.startsWith('# TYPE ')) {
      const match = new RegExp(`^# TYPE (${metricName}) (counter|gauge|histogram|summary|untyped)$`).exec(
        line,
      );
      if (!match) throw new Error(`bad TYPE, ${where}`);
      result.types.set(match[1]!, match[2]!);
      continue;
    }
    const match = sampleLine.exec(line);
    if (!match) throw new Error(`bad sample, ${where}`);
    const name = match[1]!;
    if (!result.types.has(name) || !result.help.has(name))
      throw new Error(`sample without HELP/TYPE, ${where}`);
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[pair[1]!] = pair[2]!.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
    }
    result.samples.push({ name, labels, value: Number(match[3]) });
  }
  return result;
}
