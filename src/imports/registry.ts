import type { ImportAdapter } from './types';

const adapters = new Map<string, ImportAdapter<unknown>>();

/** Makes a kind importable (src/modules/imports/adapters.ts calls this for every module's adapters). */
export function registerImportAdapter<R>(adapter: ImportAdapter<R>): void {
  adapters.set(adapter.kind, adapter as ImportAdapter<unknown>);
}

export function importAdapter(kind: string): ImportAdapter<unknown> | undefined {
  return adapters.get(kind);
}

export function importAdapters(): ImportAdapter<unknown>[] {
  return [...adapters.values()];
}
