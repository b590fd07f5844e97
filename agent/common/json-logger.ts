/**
 * JSON logs, one object per line: `{time, level, node, module, msg, fields}`. Each module gets a
 * child logger carrying its name. Field names that usually hold secrets are masked, because logs
 * leave the node (journald, log shippers) and must never carry keys or passwords.
 */

export const logLevels = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof logLevels)[number];

/** Where log lines go; stdout by default. */
export type LogSink = (line: string) => void;

/** Extra structured data of a log line. */
export type LogFields = Record<string, unknown>;

// Names that hold credentials; their values are replaced, whatever the module logging them.
const secretField = /pass(word|phrase)?|secret|private|token|credential|signature|^key$|params/i;

/** A logger bound to one node and one module. */
export class JsonLogger {
  constructor(
    private readonly node: string,
    private readonly module: string,
    private readonly minLevel: LogLevel = 'info',
    private readonly sink: LogSink = (line) => process.stdout.write(line),
  ) {}

  /** A logger for another module of the same node. */
  child(module: string): JsonLogger {
    return new JsonLogger(this.node, module, this.minLevel, this.sink);
  }

  debug(msg: string, fields?: LogFields): void {
    this.write('debug', msg, fields);
  }
  info(msg: string, fields?: LogFields): void {
    this.write('info', msg, fields);
  }
  warn(msg: string, fields?: LogFields): void {
    this.write('warn', msg, fields);
  }
  error(msg: string, fields?: LogFields): void {
    this.write('error', msg, fields);
  }

  private write(level: LogLevel, msg: string, fields?: LogFields): void {
    if (logLevels.indexOf(level) < logLevels.indexOf(this.minLevel)) return;
    const line: Record<string, unknown> = {
      time: new Date().toISOString(),
      level,
      node: this.node,
      module: this.module,
      msg,
    };
    if (fields && Object.keys(fields).length > 0) line.fields = maskSecrets(fields);
    this.sink(`${JSON.stringify(line)}\n`);
  }
}

function maskSecrets(fields: LogFields): LogFields {
  const out: LogFields = {};
  for (const [name, value] of Object.entries(fields)) {
    out[name] = secretField.test(name) ? '[masked]' : value instanceof Error ? value.message : value;
  }
  return out;
}
