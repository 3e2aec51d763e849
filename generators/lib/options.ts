/** The options every generator has besides its questions (yeoman and the direct runner declare the same). */
export interface CommonOption {
  name: string;
  alias?: string;
  type: 'boolean' | 'string';
  description: string;
}

export const COMMON_OPTIONS: readonly CommonOption[] = [
  {
    name: 'yes',
    alias: 'y',
    type: 'boolean',
    description: 'Accept the default (or saved) answer for every question not given as an option; never prompt',
  },
  {
    name: 'templates',
    type: 'string',
    description:
      'Folder of your own templates, first in the lookup (saved in .yo-rc.json); then .kmod/templates/, ' +
      '$XDG_CONFIG_HOME/generator-kmod/templates/, the built-ins. "generator-kmod eject" copies the built-ins to edit',
  },
  {
    name: 'force',
    type: 'boolean',
    description: 'Replace files you changed since the generator wrote them (default: keep them and say so)',
  },
];
