/* libFuzzer target: any bytes as a routine, a voice and a settings file. Each loader must
 * either load it or say why, and never crash, leak or read out of bounds. Built and run
 * by `make fuzz` (clang's -fsanitize=fuzzer,address,undefined). */
#include <stdio.h>
#include <unistd.h>

#include "routine.h"
#include "settings.h"
#include "voice.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        static char path[64];
        struct conf_error err;
        struct routine *r = NULL;
        struct voice *v = NULL;
        struct settings *s = NULL;
        FILE *f;

        if (!path[0])
                snprintf(path, sizeof path, "/tmp/tiptoed-fuzz-%d.conf", (int) getpid());
        f = fopen(path, "w");
        if (!f)
                return 0;
        fwrite(data, 1, size, f);
        fclose(f);

        if (routine_load(path, &r, &err) >= 0)
                routine_free(r);
        if (voice_load(path, &v, &err) >= 0)
                voice_free(v);
        if (settings_load(path, &s, &err) >= 0)
                settings_free(s);
        return 0;
}
