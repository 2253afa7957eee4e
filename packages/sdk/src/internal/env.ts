/**
 * Reads an environment variable where there is one (Node, Deno, Bun); returns
 * undefined in browsers and workers. Only the client constructor calls this.
 */
export function readEnv(name: string): string | undefined {
  const proc = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
  const value = proc?.env?.[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
