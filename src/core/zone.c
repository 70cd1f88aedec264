#include <time.h>

#include "zone.h"

void zone_enter(struct zone *z, const char *tz) {
        const char *now = getenv("TZ");

        *z = (struct zone){ .changed = tz && !streq_ptr(tz, now) };
        if (!z->changed)
                return;
        z->saved = now ? strdup(now) : NULL;
        setenv("TZ", tz, 1);
        tzset();
}

void zone_leave(struct zone *z) {
        if (!z->changed)
                return;
        if (z->saved)
                setenv("TZ", z->saved, 1);
        else
                unsetenv("TZ");
        tzset();
        free(z->saved);
}
