#!/bin/sh
# The C is laid out as .clang-format says: reformat with `git clang-format` (the lines you
# changed) or `clang-format -i FILE` before committing.
. "$top_srcdir/tests/tap.sh"

# formatted DIR: every .c and .h under DIR is as clang-format would write it.
formatted() {
        command -v clang-format >/dev/null || { echo "clang-format is missing: ./bootstrap installs it"; return 1; }
        bad=0
        # src/web/assets.c is made by src/web/embed.sh, and is not written by hand.
        for f in $(find "$top_srcdir/$1" -name '*.[ch]' ! -path '*/fuzz/findings/*' ! -path '*/src/web/assets.c' | sort); do
                if ! clang-format --dry-run --Werror "$f" 2>/dev/null; then
                        clang-format "$f" | diff -u "$f" - | head -20
                        bad=$((bad + 1))
                fi
        done
        [ "$bad" -eq 0 ]
}
for dir in src tests bench; do
        check "$dir/ is formatted as .clang-format says" formatted "$dir"
done
finish
