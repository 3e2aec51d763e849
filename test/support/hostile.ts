/**
 * Free text that tries to break or inject into every language a template
 * writes: C strings and comments, trigraphs, printf formats, shell and make
 * expansion, quotes of every kind, and non-ASCII.
 */
export const HOSTILE_DESCRIPTION =
  'Says "hi" \\ back\\slash $(touch /tmp/kmod-pwned) `touch /tmp/kmod-pwned` ${HOME} $$ %s %n ??/ ??= */ /* // # \'q\' – naïve 日本語 \\';

export const HOSTILE_AUTHOR = "Zoë O'Brien-\"Bob\" <bob@example.com> $(id) `id` # 100% ??! \\n";
