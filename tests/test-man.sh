#!/bin/sh
# The man pages: each renders with man(1) without a warning, and says what the programs
# do: every option of tiptoed --help and every command of tiptoectl --help has its entry.
. "$top_srcdir/tests/tap.sh"
pages="tiptoed.8 tiptoectl.1 tiptoed-web.8 tiptoed.conf.5 tiptoed-routine.5"

renders() {
        out=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l "$top_srcdir/man/$1" 2>&1 >/dev/null)
        [ -z "$out" ] || { echo "$out"; return 1; }
        LC_ALL=C.UTF-8 MANWIDTH=80 man -l "$top_srcdir/man/$1" 2>/dev/null | grep -q '^NAME'
}
for page in $pages; do
        check "$page renders without warnings" renders "$page"
done

# covers PAGE PROGRAM PATTERN: every word the pattern picks from PROGRAM --help is in PAGE.
covers() {
        text=$(MANWIDTH=200 man -l "$top_srcdir/man/$1" 2>/dev/null | sed 's/‐/-/g')
        missing=
        for word in $("$top_builddir/src/$2" --help | grep -o -- "$3" | sort -u); do
                printf '%s\n' "$text" | grep -q -- "$word" || missing="$missing $word"
        done
        [ -z "$missing" ] || { echo "not in $1:$missing"; return 1; }
}
check "tiptoed.8 has every option of tiptoed --help" covers tiptoed.8 tiptoed '\-\-[a-z-]*'
check "tiptoectl.1 has every command of tiptoectl --help" covers tiptoectl.1 tiptoectl '^  [a-z-]*'
check "tiptoed-web.8 has every option of tiptoed-web --help" covers tiptoed-web.8 tiptoed-web '\-\-[a-z-]*'
finish
