/**
 * The questions the generators ask. Each one is at the same time a prompt and
 * a command-line option with the same name, default and validator, so that
 * every run can be made non-interactive.
 */
import { DEFAULT_LICENSE, LICENSES } from './licenses.js';
import { MODULE_NAME_MAX, shown, validateFreeText, validateLicense, validateModuleName, validateVersion, type Validation } from './validate.js';

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
    choices: [
      { value: 'none', name: 'none' },
      { value: 'github', name: 'github: .github/workflows/build.yml (Debian headers, W=1, sparse)' },
    ],
    default: () => 'none',
    validate: (v) => v === 'none' || v === 'github' || `ci ${shown(v)} is not allowed: use 'github' or 'none'`,
  },
];

/** yo kmod: the hello module's questions and the project's. */
export const PROJECT_QUESTIONS: readonly Question[] = [
  ...moduleQuestions('hello', () => 'Example out-of-tree kernel module'),
  ...PROJECT_ONLY_QUESTIONS,
];
