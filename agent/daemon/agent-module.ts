/**
 * A lifecycle module of the agent (Zigbee2MQTT's extension shape): the Agent starts modules in
 * order and stops them in reverse. Constructors only assign fields; all work happens in start().
 */
export interface AgentModule {
  /** Short name used in logs, e.g. `control`. */
  readonly name: string;
  start(): Promise<void>;
  /**
   * Undoes start(). Also called when start() failed part-way, so it must cope with a partial start.
   */
  stop(): Promise<void>;
}
