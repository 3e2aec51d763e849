/** The user's git identity, the default author: "Name <email>" from git config, if any. */
import { spawnSync } from 'node:child_process';

function gitConfig(key: string, cwd: string): string | undefined {
  const r = spawnSync('git', ['config', '--get', key], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const value = r.status === 0 ? r.stdout.trim() : '';
  return value || undefined;
}

export function gitAuthor(cwd: string): string | undefined {
  const name = gitConfig('user.name', cwd);
  if (!name) return undefined;
  const email = gitConfig('user.email', cwd);
  return email ? `${name} <${email}>` : name;
}
