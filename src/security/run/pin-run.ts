/**
 * The `pin` command's logic: collect definitions like `scan` does and write the lock file.
 * Servers that could not be scanned keep their previous pins (a flaky start must not erase
 * them). Exit codes: 0 written, 2 usage/config error, 3 some servers not scanned.
 */

import { existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ClientConfigError } from '../config/parse.js';
import { buildLock } from '../pins.js';
import type { ScannedServer } from '../types.js';
import { DEFAULT_LOCK_FILE, loadLock, type ScanIo } from './scan-run.js';
import { collectInputs, gatherInputs, UsageError, type InputOptions } from './targets.js';

export interface PinRunOptions extends InputOptions {
  output?: string;
}

export async function runPin(o: PinRunOptions, io: ScanIo): Promise<number> {
  try {
    const cwd = o.cwd ?? process.cwd();
    const out = resolve(cwd, o.output ?? DEFAULT_LOCK_FILE);
    const inputs = gatherInputs(o, io);
    const outcomes = await collectInputs(o, inputs, io);
    const scanned = outcomes.filter((x) => x.status === 'ok' && x.server).map((x) => x.server as ScannedServer);
    const previous = existsSync(out) ? loadLock(out) : undefined;
    const lock = buildLock(scanned, previous);
    writeFileSync(out, `${JSON.stringify(lock, null, 2)}\n`);
    for (const s of scanned) {
      io.stdout(
        `pinned ${s.name}: ${s.tools.length} tool(s), ${s.prompts?.length ?? 0} prompt(s), ${(s.resources?.length ?? 0) + (s.resourceTemplates?.length ?? 0)} resource(s)\n`,
      );
    }
    const failed = outcomes.filter((x) => x.status === 'error');
    for (const f of failed)
      io.stderr(`not pinned ${f.name}: ${f.error}${f.stderr ? `\n  ${f.stderr.split('\n').slice(-5).join('\n  ')}` : ''}\n`);
    io.stdout(`wrote ${out}\n`);
    return failed.length > 0 ? 3 : 0;
  } catch (e) {
    if (e instanceof UsageError || e instanceof ClientConfigError) {
      io.stderr(`mcp-bastion pin: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}
