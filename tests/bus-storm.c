/* bus-storm: fires random method calls at a running tiptoed, in random order with random
 * arguments, and checks that each gets an answer with a known error name or none, and
 * that afterwards the daemon is in a consistent state and still starts a routine.
 *
 *   bus-storm [CALLS [SEED]]        on the user bus; prints a summary, exits 0 if all held */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <systemd/sd-bus.h>

#include "util.h"

#define NAME "org.tiptoed.Coach1"
#define PATH "/org/tiptoed/Coach1"
#define MPRIS_NAME "org.mpris.MediaPlayer2.tiptoed"
#define MPRIS_PATH "/org/mpris/MediaPlayer2"

static const char *const allowed_errors[] = {
        "org.tiptoed.Coach1.Error.NoSuchRoutine",
        "org.tiptoed.Coach1.Error.NotRunning",
        "org.tiptoed.Coach1.Error.AlreadyRunning",
        "org.tiptoed.Coach1.Error.InvalidConfig",
        SD_BUS_ERROR_INVALID_ARGS,
        SD_BUS_ERROR_UNKNOWN_METHOD,
        SD_BUS_ERROR_UNKNOWN_PROPERTY,
        SD_BUS_ERROR_PROPERTY_READ_ONLY,
        SD_BUS_ERROR_LIMITS_EXCEEDED,
        SD_BUS_ERROR_NOT_SUPPORTED,
        SD_BUS_ERROR_UNKNOWN_INTERFACE,
};

static const char *const coach_methods[] = {
        "Start",        "Stop",     "Pause",  "Resume",       "TogglePause",
        "Next",         "Previous", "Repeat", "NextExercise", "PreviousExercise",
        "ListRoutines", "GetPlan",  "Reload", "NoSuchMethod",
};
static const char *const mpris_methods[] = {
        "Play", "Pause", "PlayPause", "Stop", "Next", "Previous", "Seek", "OpenUri"
};
static const char *const properties[] = {
        "State",         "PauseReason", "Routine",  "RoutineTitle", "Exercise",    "ExerciseIndex",
        "ExerciseCount", "Set",         "SetCount", "Side",         "Instruction", "Position",
        "Duration",      "Level",       "Volume",   "Language",     "AudioDevice", "NoSuchProperty",
};

static unsigned pick(unsigned n) {
        return (unsigned) (random() % n);
}

/* A string a caller might send, well meant or not. */
static const char *random_string(char *buf, size_t size) {
        static const char *const words[] = { "",
                                             "short",
                                             "morning-feet",
                                             "nosuch",
                                             "../../etc/passwd",
                                             "/etc/passwd",
                                             ".hidden",
                                             "easy",
                                             "hard",
                                             "normal",
                                             "en",
                                             "de",
                                             "xx",
                                             "Short",
                                             "ümlaut" };
        if (pick(4) > 0)
                return words[pick(ELEMENTSOF(words))];
        size_t n = pick(2) ? pick(40) : size - 1;
        for (size_t i = 0; i < n; i++)
                buf[i] = (char) (' ' + pick(95)); /* printable ASCII: valid UTF-8 */
        buf[n] = 0;
        return buf;
}

static double random_double(void) {
        static const double values[] = { 0.0, 0.25, 0.5, 1.0, 1.5, -1.0, 1e300, -0.0 };
        unsigned k = pick(ELEMENTSOF(values) + 2);
        return k < ELEMENTSOF(values) ? values[k] : k == ELEMENTSOF(values) ? NAN : INFINITY;
}

static int build(sd_bus *bus, sd_bus_message **ret, unsigned *language_changes) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        char buf[4096];
        unsigned what = pick(10);
        int r;

        if (what < 5) { /* a Coach1 method, arguments right or wrong */
                const char *method = coach_methods[pick(ELEMENTSOF(coach_methods))];
                r = sd_bus_message_new_method_call(bus, &m, NAME, PATH, NAME, method);
                if (r >= 0 && (streq(method, "Start") || streq(method, "GetPlan") || pick(8) == 0))
                        r = pick(10) ? sd_bus_message_append(m, "s", random_string(buf, sizeof buf))
                                     : sd_bus_message_append(m, "u", (uint32_t) random());
        } else if (what < 7) { /* a property read */
                r = sd_bus_message_new_method_call(bus, &m, NAME, PATH, "org.freedesktop.DBus.Properties",
                                                   pick(5) ? "Get" : "GetAll");
                if (r >= 0)
                        r = sd_bus_message_append(m, "s", pick(10) ? NAME : "org.example.Nothing");
                if (r >= 0 && streq(sd_bus_message_get_member(m), "Get"))
                        r = sd_bus_message_append(m, "s", properties[pick(ELEMENTSOF(properties))]);
        } else if (what < 9) { /* a property write, of any type */
                const char *p = properties[pick(ELEMENTSOF(properties))];
                if (streq(p, "Language")) {
                        if (pick(20) != 0) /* each new language resynthesizes: keep them rare */
                                p = "Level";
                        else
                                ++*language_changes;
                }
                r = sd_bus_message_new_method_call(bus, &m, NAME, PATH, "org.freedesktop.DBus.Properties", "Set");
                if (r >= 0)
                        r = sd_bus_message_append(m, "ss", NAME, p);
                if (r >= 0)
                        r = pick(2) ? sd_bus_message_append(m, "v", "s", random_string(buf, sizeof buf))
                                    : sd_bus_message_append(m, "v", "d", random_double());
        } else { /* MPRIS */
                const char *method = mpris_methods[pick(ELEMENTSOF(mpris_methods))];
                r = sd_bus_message_new_method_call(bus, &m, MPRIS_NAME, MPRIS_PATH, "org.mpris.MediaPlayer2.Player",
                                                   method);
                if (r >= 0 && streq(method, "Seek"))
                        r = sd_bus_message_append(m, "x", (int64_t) random() - RAND_MAX / 2);
                if (r >= 0 && streq(method, "OpenUri"))
                        r = sd_bus_message_append(m, "s", random_string(buf, sizeof buf));
        }
        if (r < 0)
                return r;
        *ret = m;
        m = NULL;
        return 0;
}

static bool allowed(const char *name) {
        for (size_t i = 0; i < ELEMENTSOF(allowed_errors); i++)
                if (streq(name, allowed_errors[i]))
                        return true;
        return false;
}

static int get_string(sd_bus *bus, const char *property, char **ret) {
        _cleanup_(sd_bus_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;
        return sd_bus_get_property_string(bus, NAME, PATH, NAME, property, &e, ret);
}

static int call_simple(sd_bus *bus, const char *method, const char *types, const char *arg) {
        _cleanup_(sd_bus_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;
        int r = sd_bus_call_method(bus, NAME, PATH, NAME, method, &e, NULL, types, arg);
        if (r < 0 && sd_bus_error_is_set(&e))
                printf("# %s: %s: %s\n", method, e.name, e.message);
        return r;
}

/* After the storm: stop, idle, start, running the right routine, stop, idle. */
static bool consistent(sd_bus *bus) {
        _cleanup_free_ char *state = NULL, *routine = NULL, *state2 = NULL, *state3 = NULL;

        /* The storm can leave 32 commands in flight: LimitsExceeded asks to try again in a moment. */
        for (int i = 0; i < 20 && call_simple(bus, "Stop", NULL, NULL) < 0; i++)
                usleep(100 * 1000);
        for (int i = 0; i < 50; i++) { /* Stop fades out first */
                free(state);
                state = NULL;
                if (get_string(bus, "State", &state) < 0)
                        return false;
                if (streq(state, "idle"))
                        break;
                usleep(20000);
        }
        if (!streq(state, "idle"))
                return printf("# after Stop, State is %s\n", state), false;
        if (sd_bus_set_property(bus, NAME, PATH, NAME, "Language", NULL, "s", "en") < 0 ||
            call_simple(bus, "Start", "s", "short") < 0 || get_string(bus, "State", &state2) < 0 ||
            get_string(bus, "Routine", &routine) < 0)
                return printf("# cannot start short after the storm\n"), false;
        if (!streq(state2, "running") || !streq(routine, "short"))
                return printf("# after Start: State %s, Routine %s\n", state2, routine), false;
        if (call_simple(bus, "Stop", NULL, NULL) < 0)
                return false;
        for (int i = 0; i < 50 && (!state3 || !streq(state3, "idle")); i++) {
                free(state3);
                state3 = NULL;
                usleep(20000);
                if (get_string(bus, "State", &state3) < 0)
                        return false;
        }
        return streq(state3, "idle") || (printf("# after the last Stop, State %s\n", state3), false);
}

int main(int argc, char *argv[]) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        unsigned calls = argc > 1 ? (unsigned) atoi(argv[1]) : 3000;
        unsigned seed = argc > 2 ? (unsigned) atoi(argv[2]) : (unsigned) now_monotonic();
        unsigned answered = 0, errors = 0, bad = 0, language_changes = 0;
        int r;

        srandom(seed);
        printf("# seed %u, %u calls\n", seed, calls);
        r = sd_bus_open_user(&bus);
        if (r < 0)
                return fprintf(stderr, "bus-storm: no bus: %s\n", strerror(-r)), 2;
        if (call_simple(bus, "Start", "s", "short") < 0)
                return fprintf(stderr, "bus-storm: cannot start the routine to storm\n"), 2;

        for (unsigned i = 0; i < calls; i++) {
                _cleanup_(sd_bus_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;
                _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL, *reply = NULL;

                r = build(bus, &m, &language_changes);
                if (r < 0)
                        return fprintf(stderr, "bus-storm: cannot build a call: %s\n", strerror(-r)), 2;
                r = sd_bus_call(bus, m, 10 * USEC_PER_SEC, &e, &reply);
                if (r >= 0) {
                        answered++;
                        continue;
                }
                if (!sd_bus_error_is_set(&e) || !allowed(e.name)) {
                        printf("not answered well: %s.%s: %s: %s\n", sd_bus_message_get_interface(m),
                               sd_bus_message_get_member(m), e.name ?: "no error name", e.message ?: strerror(-r));
                        if (++bad > 10)
                                break;
                        continue;
                }
                errors++;
                if (i % 50 == 0) /* keep a routine going most of the time */
                        (void) sd_bus_call_method(bus, NAME, PATH, NAME, "Start", NULL, NULL, "s", "short");
        }
        printf("# %u answered, %u refused with a known error, %u not answered well, %u language changes\n", answered,
               errors, bad, language_changes);
        if (bad > 0)
                return 1;
        if (!consistent(bus))
                return 1;
        printf("# consistent afterwards: stopped, idle, started short, stopped, idle\n");
        return 0;
}
