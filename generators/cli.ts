#!/usr/bin/env node
/**
 * generator-kmod [generator] [options]: runs the package's generators without
 * yo (npx generator-kmod, and as root, where yo refuses to work).
 *
 * Runs that ask nothing (--yes, every question given, no terminal) and
 * --help go through the direct runner, which shares every decision with
 * the yeoman generators but does not load yeoman (startup in a fraction of
 * the time). A run that must ask on a terminal, and eject, load
 * yeoman-environment and run the generators exactly as `yo kmod` does.
 */
import { existsSync } from 'node:fs';
import nodeModule from 'node:module';
import { fileURLToPath } from 'node:url';

// Node's on-disk compile cache (Node >= 22.1; a no-op before): it speeds up the
// modules imported below, which is why they are imported dynamically.
(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();

const GENERATORS_DIR = fileURLToPath(new URL('./', import.meta.url));

function generatorPath(name: string): string {
  return `${GENERATORS_DIR}${name}/index.js`;
}

async function main(argv: string[]): Promise<number> {
  const first = argv[0];
  const sub = first !== undefined && !first.startsWith('-') ? first : 'app';
  const rest = sub === first ? argv.slice(1) : argv;
  if (!/^[a-z][a-z0-9-]*$/.test(sub) || !existsSync(generatorPath(sub))) {
    process.stderr.write(`generator-kmod: unknown generator '${sub}'\n`);
    return 2;
  }
  const { kindOf } = await import('./lib/session.js');
  const kind = process.env.KMOD_DIRECT === '0' ? undefined : kindOf(sub);
  if (kind) {
    const { runDirect } = await import('./lib/direct.js');
    const outcome = await runDirect(kind, rest, process.cwd(), process.stdin.isTTY === true);
    if (outcome !== 'yeoman') return outcome;
  }
  const help = rest.includes('--help') || rest.includes('-h');
  const { createEnv } = await import('yeoman-environment');
  const env = createEnv();
  env.register(generatorPath(sub), { namespace: `kmod:${sub}` });
  await env.run([`kmod:${sub}`, ...rest], { help });
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    const usage = err instanceof Error && err.name === 'UsageError';
    process.stderr.write(`generator-kmod: ${usage ? '' : 'error: '}${message}\n`);
    process.exitCode = 1;
  },
);
