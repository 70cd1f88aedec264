#include <assert.h>
#include <errno.h>
#include <string.h>

#include "bus-names.h"
#include "bus-util.h"
#include "log.h"

/* D-Bus carries only UTF-8, and an error may quote a file full of anything: each byte that
 * does not start a well-formed sequence becomes '?'. */
static void make_utf8(char *s) {
        for (unsigned char *p = (unsigned char *) s; *p;) {
                size_t n = *p < 0x80                           ? 1
                           : (*p & 0xe0) == 0xc0 && *p >= 0xc2 ? 2
                           : (*p & 0xf0) == 0xe0               ? 3
                           : (*p & 0xf8) == 0xf0 && *p <= 0xf4 ? 4
                                                               : 0;
                size_t k = 1;

                while (n > 0 && k < n && (p[k] & 0xc0) == 0x80)
                        k++;
                if (n == 0 || k < n || (n == 3 && ((p[0] == 0xe0 && p[1] < 0xa0) || (p[0] == 0xed && p[1] >= 0xa0))) ||
                    (n == 4 && ((p[0] == 0xf0 && p[1] < 0x90) || (p[0] == 0xf4 && p[1] >= 0x90)))) {
                        *p++ = '?';
                        continue;
                }
                p += n;
        }
}

int bus_reply_error(sd_bus_error *error, int r, const struct conf_error *err) {
        static const struct {
                int errno_value;
                const char *name;
        } names[] = {
                { ENOENT, BUS_ERROR "NoSuchRoutine" },     { EINVAL, BUS_ERROR "InvalidConfig" },
                { EBUSY, BUS_ERROR "AlreadyRunning" },     { ESRCH, BUS_ERROR "NotRunning" },
                { ENODEV, BUS_ERROR "AudioUnavailable" },  { EAGAIN, SD_BUS_ERROR_LIMITS_EXCEEDED },
                { ENOTSUP, BUS_ERROR "NothingScheduled" },
        };

        for (size_t i = 0; i < ELEMENTSOF(names); i++)
                if (-r == names[i].errno_value) {
                        char text[sizeof err->text];
                        memcpy(text, err->text, sizeof text);
                        text[sizeof text - 1] = 0;
                        make_utf8(text);
                        return sd_bus_error_set(error, names[i].name, text);
                }
        return sd_bus_error_set_errno(error, r);
}

void bus_publish_changes(sd_bus *bus, const char *path, const char *interface, const char *const *names,
                         property_text_fn text, const void *snapshot, char (*published)[PROPERTY_TEXT_MAX]) {
        const char *changed[PROPERTIES_MAX];
        size_t k = 0;
        char now[PROPERTY_TEXT_MAX];

        for (size_t i = 0; names[i]; i++) {
                assert(i < PROPERTIES_MAX - 1); /* room for each, and for the NULL after them */
                text(snapshot, names[i], now, sizeof now);
                if (streq(now, published[i]))
                        continue;
                strcpy(published[i], now);
                changed[k++] = names[i];
        }
        changed[k] = NULL;
        if (k > 0 && bus) {
                int r = sd_bus_emit_properties_changed_strv(bus, path, interface, (char **) changed);
                if (r < 0)
                        log_warning_errno(r, "Failed to announce changed properties: %m");
        }
}
