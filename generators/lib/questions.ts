/**
 * The questions the generators ask. Each one is at the same time a prompt and
 * a command-line option with the same name, default and validator, so that
 * every run can be made non-interactive.
 */
import { DEFAULT_LICENSE, LICENSES } from './licenses.js';
import {
  MODULE_NAME_MAX,
  validateChoice,
  validateCompatible,
  validateFreeText,
  validateLicense,
  validateModuleName,
  validateSubset,
  validateVersion,
  type Validation,
} from './validate.js';

export interface QuestionContext {
  /** "Name <email>" from git config, when there is one. */
  gitAuthor?: string;
}

export interface Question {
  /** Answer key and key in .yo-rc.json. */
  name: string;
  /** Command-line option, when it is not the same as name (--buffer-size for bufferSize). */
  option?: string;
  /** Prompt text. */
  message: string;
  /** Option description for --help. */
  description: string;
  /** Fixed set of values: a list prompt instead of free input. */
  choices?: readonly { value: string; name: string }[];
  /** With choices: any subset, comma-separated on the command line ("none" for none), a checkbox prompt. */
  multiple?: boolean;
  /** Default, from the context and the answers given so far. */
  default(ctx: QuestionContext, answers: Readonly<Record<string, string>>): string;
  validate(value: string): Validation;
  /** Asked only when this holds for the answers so far (e.g. minors for a classic char device). */
  when?(answers: Readonly<Record<string, string>>): boolean;
  /** Canonical form of a valid answer, as saved (e.g. a sorted feature list). */
  normalize?(value: string): string;
  /** Why an option that does not apply is refused. */
  notApplicable?: string;
}

export function optionName(q: Question): string {
  return q.option ?? q.name;
}

export const FALLBACK_AUTHOR = 'Your Name <you@example.com>';

/** A question's fixed choices (value and name) and its validator: one of them, else refused with them. */
export function oneOf(what: string, choices: readonly { value: string; name: string }[]): Pick<Question, 'choices' | 'validate'> {
  const listed = choices.map(({ value, name }) => ({ value, name }));
  return { choices: listed, validate: (v) => validateChoice(v, what, listed) };
}

/**
 * A question's fixed choices of which any subset may be given, all of them by
 * default: each given `what` must be one of them, and the answer is saved as
 * normalizeSubset writes it.
 */
export function someOf(
  what: string,
  choices: readonly { value: string; name: string }[],
): Pick<Question, 'choices' | 'multiple' | 'default' | 'validate' | 'normalize'> {
  const listed = choices.map(({ value, name }) => ({ value, name }));
  const names = listed.map((c) => c.value);
  return {
    choices: listed,
    multiple: true,
    default: () => names.join(','),
    validate: (v) => validateSubset(v, what, names),
    normalize: (v) => normalizeSubset(v, names),
  };
}

/** The module name and description questions, with the defaults of one kind of module. */
export function moduleQuestions(
  defaultName: string,
  defaultDescription: (name: string) => string,
  validateName: (value: string) => Validation = (v) => validateModuleName(v),
  nameMax = MODULE_NAME_MAX,
): Question[] {
  return [
    {
      name: 'name',
      message: 'Module name (lower-case C identifier)',
      description: `Module name: lower-case C identifier, at most ${nameMax} characters (default: ${defaultName})`,
      default: () => defaultName,
      validate: validateName,
    },
    {
      name: 'description',
      message: 'One-line description (MODULE_DESCRIPTION)',
      description: 'One-line description for MODULE_DESCRIPTION and the README',
      default: (_ctx, answers) => defaultDescription(answers.name ?? defaultName),
      validate: (v) => validateFreeText(v, 'description'),
    },
  ];
}

/** Questions about the project as a whole (asked when a generator creates the project). */
const CI_CHOICES = [
  { value: 'none', name: 'none' },
  { value: 'github', name: 'github: .github/workflows/build.yml (Debian headers, W=1, sparse)' },
] as const;

export const PROJECT_ONLY_QUESTIONS: readonly Question[] = [
  {
    name: 'author',
    message: 'Author (MODULE_AUTHOR, "Name <email>")',
    description: 'Author for MODULE_AUTHOR and the copyright line (default: from git config)',
    default: (ctx) => ctx.gitAuthor ?? FALLBACK_AUTHOR,
    validate: (v) => validateFreeText(v, 'author'),
  },
  {
    name: 'license',
    message: 'License',
    description: `SPDX license identifier, one of: ${LICENSES.map((l) => l.spdx).join(' | ')} (default: ${DEFAULT_LICENSE})`,
    choices: LICENSES.map((l) => ({ value: l.spdx, name: `${l.spdx}  (MODULE_LICENSE("${l.moduleLicense}"), ${l.title})` })),
    default: () => DEFAULT_LICENSE,
    validate: validateLicense,
  },
  {
    name: 'version',
    message: 'Version (MODULE_VERSION and DKMS package version)',
    description: 'Module and DKMS package version (default: 0.1.0)',
    default: () => '0.1.0',
    validate: validateVersion,
  },
  {
    name: 'ci',
    message: 'CI workflow for the generated repository',
    description: "CI workflow that builds against distribution kernel headers: 'github' or 'none' (default: none)",
    ...oneOf('ci', CI_CHOICES),
    default: () => 'none',
  },
];

/** yo kmod: the hello module's questions and the project's. */
export const PROJECT_QUESTIONS: readonly Question[] = [
  ...moduleQuestions('hello', () => 'Example out-of-tree kernel module'),
  ...PROJECT_ONLY_QUESTIONS,
];

/** Canonical form of a subset of `names`: known names in table order, "none" when empty. */
export function normalizeSubset(value: string, names: readonly string[]): string {
  const set = new Set(value.split(',').map((s) => s.trim()));
  const list = names.filter((f) => set.has(f));
  return list.length ? list.join(',') : 'none';
}

/** The device-tree compatible of a driver: "kmod,<name with - for _>" unless given. */
export const compatibleQuestion = (defaultName: string): Question => ({
  name: 'compatible',
  message: 'Device-tree compatible string (vendor,device)',
  description: "Device-tree compatible 'vendor,device' (default: kmod,<name with - for _>)",
  default: (_ctx, answers) => `kmod,${(answers.name ?? defaultName).replace(/_/g, '-')}`,
  validate: validateCompatible,
});

const YES_NO = [
  { value: 'yes', name: 'yes' },
  { value: 'no', name: 'no' },
] as const;

/** Whether a module comes with <name>_kunit.c (built only for kernels with CONFIG_KUNIT). */
export const KUNIT_QUESTION: Question = {
  name: 'kunit',
  message: 'KUnit tests of the pure logic (<name>_kunit.c, run by make vmtest on kernels with KUnit)',
  description: 'KUnit test module <name>_kunit.c for the pure logic, built only where the kernel has CONFIG_KUNIT: yes or no (default: yes)',
  ...oneOf('kunit', YES_NO),
  default: () => 'yes',
};
