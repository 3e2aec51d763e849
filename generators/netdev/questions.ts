/**
 * yo kmod:netdev's questions: the default number of interfaces and KUnit,
 * each a prompt and an option.
 */
import { KUNIT_QUESTION, type Question } from '../lib/questions.js';
import { shown, validateIntRange, validateModuleName, type Validation } from '../lib/validate.js';

export const NETDEV_MAX_DEVICES = 16;

/** Interface names are char[IFNAMSIZ] = 16 bytes with the NUL: <name> plus up to two digits. */
export const NETDEV_NAME_MAX = 13;

export function validateNetdevName(value: string): Validation {
  const base = validateModuleName(value, 'network driver name');
  if (base !== true) return base;
  if (value.length > NETDEV_NAME_MAX) {
    return `network driver name ${shown(value)} is ${value.length} characters long: it names the interfaces (<name>0 .. <name>15), which are limited to 15 characters (IFNAMSIZ), so at most ${NETDEV_NAME_MAX}`;
  }
  return true;
}

export const NETDEV_QUESTIONS: readonly Question[] = [
  {
    name: 'devices',
    message: 'Network devices the module creates by default',
    description: `Default of the devices= module parameter: interfaces <name>0.., 1-${NETDEV_MAX_DEVICES} (default: 1)`,
    default: () => '1',
    validate: (v) => validateIntRange(v, 'number of devices', 1, NETDEV_MAX_DEVICES, 2),
  },
  KUNIT_QUESTION,
];
