#!/bin/sh
# Writes the C source of assets.h's table: each file given, served at /its-name (index.html
# at /), with its media type by extension. Bytes as hex, so any file goes in unchanged.
set -eu
echo '/* Made by src/web/embed.sh from src/web/page/: edit those, not this. */'
echo '#include "assets.h"'
n=0
for f in "$@"; do
        printf 'static const unsigned char asset%d[] = {\n' "$n"
        od -An -v -tx1 "$f" | sed 's/ *\([0-9a-f][0-9a-f]\)/0x\1,/g; s/^/        /'
        printf '};\n'
        n=$((n + 1))
done
echo 'const struct asset assets[] = {'
n=0
for f in "$@"; do
        name=${f##*/}
        case $name in
        index.html) path=/ ;;
        *) path=/$name ;;
        esac
        case $name in
        *.html) type='text/html; charset=utf-8' ;;
        *.js) type='text/javascript; charset=utf-8' ;;
        *.css) type='text/css; charset=utf-8' ;;
        *.svg) type='image/svg+xml' ;;
        *.webmanifest) type='application/manifest+json' ;;
        *) echo "embed.sh: no media type for $name" >&2; exit 1 ;;
        esac
        printf '        { "%s", "%s", asset%d, sizeof asset%d },\n' "$path" "$type" "$n" "$n"
        n=$((n + 1))
done
echo '};'
echo "const size_t n_assets = $n;"
