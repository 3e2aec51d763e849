/** yeoman-test runs of the app generator, with the options a user would give. */
import helpers from 'yeoman-test';
import { APP_GENERATOR } from './paths.js';

/**
 * yeoman-test passes force: true by default; a user does not, so it is off
 * unless a test asks for it.
 */
export function runApp(options: Record<string, unknown> = {}, dir?: string) {
  const context = helpers.run(APP_GENERATOR).withOptions({ force: false, ...options } as never);
  return dir === undefined ? context : context.cd(dir);
}
