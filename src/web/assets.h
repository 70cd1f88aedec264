/* The page's files, built into tiptoed-web from src/web/page/ by src/web/embed.sh: the
 * page needs nothing from anywhere else. */
#pragma once

#include <stddef.h>

struct asset {
        const char *path, *type;
        const unsigned char *data;
        size_t size;
};

extern const struct asset assets[];
extern const size_t n_assets;
