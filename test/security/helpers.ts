import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ScannedServer, ToolDef } from '../../src/security/index.js';

export const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'scan');

interface Manifest {
  server: string;
  tools: ToolDef[];
}

/** Every manifest in a fixture folder, one ScannedServer per manifest. */
export function loadManifests(folder: string): ScannedServer[] {
  const dir = join(FIXTURES, folder);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .flatMap((f) => {
      const raw = JSON.parse(readFileSync(join(dir, f), 'utf8')) as Manifest | Manifest[];
      return (Array.isArray(raw) ? raw : [raw]).map((m) => ({ name: m.server, tools: m.tools, source: join(dir, f) }));
    });
}
