#include <stdio.h>

#include "planned.h"

int planned_load(const char *routine, const char *voice, enum level level, int earcons, unsigned rate,
                 struct planned *ret) {
        struct conf_error err;
        int r;

        *ret = (struct planned){};
        if ((r = routine_load(routine, &ret->routine, &err)) < 0 || (r = voice_load(voice, &ret->voice, &err)) < 0) {
                fprintf(stderr, "%s\n", err.text);
                return r;
        }
        if (earcons >= 0)
                ret->voice->earcons.on = earcons;
        if ((r = speech_new(ret->voice, &ret->speech)) < 0 ||
            (r = clips_new(ret->speech, ret->voice, &ret->clips)) < 0 ||
            (r = plan_build(ret->routine, level, ret->voice, clips_duration, ret->clips, &ret->plan)) < 0 ||
            (r = track_build(ret->plan, ret->clips, rate, &ret->track)) < 0) {
                fprintf(stderr, "cannot plan %s with %s\n", routine, voice);
                return r;
        }
        return 0;
}

void planned_free(struct planned *p) {
        track_free(p->track);
        plan_free(p->plan);
        clips_unref(p->clips);
        speech_free(p->speech);
        voice_free(p->voice);
        routine_free(p->routine);
}
