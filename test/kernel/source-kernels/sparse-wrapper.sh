#!/bin/sh
# sparse 0.6.4 (the only one in Debian) does not know __typeof_unqual__ and
# fails kbuild's checker probe on 7.x kernels, after which C=1 silently checks
# nothing. These two definitions let it parse those kernels' headers; it
# still reports real problems. Used as CHECK= for 7.x by the kernel suite.
exec sparse -D__typeof_unqual__=__typeof__ '-D__builtin_strlen(s)=(sizeof(s)-1)' "$@"
