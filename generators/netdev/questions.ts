/**
 * yo kmod:netdev's questions: the default number of interfaces and KUnit,
 * each a prompt and an option.
 */
import { KUNIT_QUESTION, type Question } from '../lib/questions.js';
import { validateIntRange } from '../lib/validate.js';

export const NETDEV_MAX_DEVICES = 16;

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
