/** A .wat file, the TypeScript module it is assembled into, and the name of its export. */
export interface WasmModule {
  wat: string;
  ts: string;
  name: string;
}

/** The .wat files and the TypeScript module each is assembled into. */
export const modules: WasmModule[];

/** The module's bytes, base64. */
export function assemble(watPath: string): Promise<string>;

/** The TypeScript text carrying the bytes. */
export function moduleText(module: WasmModule, base64: string): string;
