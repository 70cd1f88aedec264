/* tiptoectl: tells a running tiptoed what to do, over D-Bus. One function per command;
 * it links nothing but libsystemd. Exit 0 on success, 1 with the D-Bus error when the
 * daemon refuses, 69 when no daemon answers, 64 on a usage error. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdarg.h>
#include <time.h>
#include <systemd/sd-bus.h>

#include "bus-names.h" /* header only, as is util.h */
#include "util.h"      /* time units, cleanup */

enum { EXIT_FAILED = 1, EXIT_NO_DAEMON = EXIT_UNAVAILABLE };

static bool arg_system, arg_json;

static const char *bus_name(void) {
        return arg_system ? "system bus" : "user bus";
}

static int no_daemon(void) {
        fprintf(stderr, "tiptoectl: no tiptoed answers on the %s. Start one: %s\n", bus_name(),
                arg_system ? "systemctl start tiptoed" : "systemctl --user start tiptoed, or run tiptoed");
        return EXIT_NO_DAEMON;
}

/* Says what went wrong, with the D-Bus error's name, and picks the exit status. */
static int failed(const sd_bus_error *e, int r) {
        if (sd_bus_error_has_names(e, SD_BUS_ERROR_SERVICE_UNKNOWN, SD_BUS_ERROR_NAME_HAS_NO_OWNER) ||
            (e->name && strncmp(e->name, "org.freedesktop.DBus.Error.Spawn.", 33) == 0) || /* activation failed */
            r == -ECONNREFUSED || r == -ENOENT) {
                if (sd_bus_error_is_set(e) &&
                    !sd_bus_error_has_names(e, SD_BUS_ERROR_SERVICE_UNKNOWN, SD_BUS_ERROR_NAME_HAS_NO_OWNER))
                        fprintf(stderr, "tiptoectl: %s: %s\n", e->name, e->message);
                return no_daemon();
        }
        if (sd_bus_error_is_set(e))
                fprintf(stderr, "tiptoectl: %s: %s\n", e->name, e->message);
        else
                fprintf(stderr, "tiptoectl: %s\n", strerror(-r));
        return EXIT_FAILED;
}

static int call(sd_bus *bus, const char *method, sd_bus_message **reply, const char *types, ...) {
        _cleanup_(sd_bus_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        va_list ap;
        int r;

        r = sd_bus_message_new_method_call(bus, &m, BUS_NAME, BUS_PATH, BUS_INTERFACE, method);
        if (r < 0)
                return failed(&e, r);
        if (types) {
                va_start(ap, types);
                r = sd_bus_message_appendv(m, types, ap);
                va_end(ap);
                if (r < 0)
                        return failed(&e, r);
        }
        r = sd_bus_call(bus, m, 0, &e, reply);
        if (r < 0)
                return failed(&e, r);
        return 0;
}

static void print_clock(usec_t t) {
        char buf[CLOCK_MAX];
        fputs(format_clock(buf, t), stdout);
}

static int usage(const char *message, const char *what) {
        fprintf(stderr, "tiptoectl: %s%s\nTry 'tiptoectl --help'.\n", message, what ?: "");
        return EXIT_USAGE;
}

static int run_simple(sd_bus *bus, const char *method) {
        return call(bus, method, NULL, NULL);
}

static int run_start(sd_bus *bus, const char *routine) {
        return call(bus, "Start", NULL, "s", routine ?: "");
}

static int run_routines(sd_bus *bus) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        const char *id, *title;
        uint64_t duration;
        int r = call(bus, "ListRoutines", &reply, NULL);

        if (r != 0)
                return r;
        r = sd_bus_message_enter_container(reply, 'a', "(sst)");
        while (r >= 0 && (r = sd_bus_message_read(reply, "(sst)", &id, &title, &duration)) > 0) {
                printf("%s\t", id);
                print_clock(duration);
                printf("\t%s\n", title);
        }
        return r < 0 ? failed(&SD_BUS_ERROR_NULL, r) : 0;
}

/* Each device read, then its mapped keys: what a short, long and double press does. */
static int run_buttons(sd_bus *bus) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        const char *name, *node, *code, *what[3];
        static const char *const kinds[] = { "short", "long", "double" };
        int grabbed, n = 0;
        int r = call(bus, "ListButtons", &reply, NULL);

        if (r != 0)
                return r;
        r = sd_bus_message_enter_container(reply, 'a', "(ssba(ssss))");
        while (r >= 0 && (r = sd_bus_message_enter_container(reply, 'r', "ssba(ssss)")) > 0) {
                r = sd_bus_message_read(reply, "ssb", &name, &node, &grabbed);
                if (r >= 0)
                        r = sd_bus_message_enter_container(reply, 'a', "(ssss)");
                if (r < 0)
                        break;
                printf("%s\t%s%s\n", name, node, grabbed ? "\t(grabbed)" : "");
                while ((r = sd_bus_message_read(reply, "(ssss)", &code, &what[0], &what[1], &what[2])) > 0) {
                        printf("  %-18s", code);
                        if (code[0] == 'R') /* REL_: a dial */
                                printf("  %s", what[0]);
                        else
                                for (size_t k = 0; k < ELEMENTSOF(kinds); k++)
                                        if (*what[k])
                                                printf("  %s: %s", kinds[k], what[k]);
                        putchar('\n');
                }
                if (r >= 0)
                        r = sd_bus_message_exit_container(reply);
                if (r >= 0)
                        r = sd_bus_message_exit_container(reply);
                n++;
        }
        if (r >= 0 && n == 0)
                puts("No input device is read: map keys in tiptoed.conf's buttons, see tiptoed.conf(5).");
        return r < 0 ? failed(&SD_BUS_ERROR_NULL, r) : 0;
}

static int run_plan(sd_bus *bus, const char *routine) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        const char *kind, *text;
        uint64_t start, duration;
        int r = call(bus, "GetPlan", &reply, "s", routine ?: "");

        if (r != 0)
                return r;
        r = sd_bus_message_enter_container(reply, 'a', "(ttss)");
        while (r >= 0 && (r = sd_bus_message_read(reply, "(ttss)", &start, &duration, &kind, &text)) > 0)
                printf("%" PRIu64 ".%03" PRIu64 "\t%" PRIu64 ".%03" PRIu64 "\t%s\t%s\n", start / 1000000,
                       (start + 500) / 1000 % 1000, duration / 1000000, (duration + 500) / 1000 % 1000, kind, text);
        return r < 0 ? failed(&SD_BUS_ERROR_NULL, r) : 0;
}

static void print_local(uint64_t t) {
        char buf[LOCAL_TIME_MAX];
        fputs(format_local_time(buf, t), stdout);
}

static int run_schedule(sd_bus *bus) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        const char *routine;
        uint64_t at;
        int skipped, n = 0;
        int r = call(bus, "GetSchedule", &reply, "u", (uint32_t) 7);

        if (r != 0)
                return r;
        r = sd_bus_message_enter_container(reply, 'a', "(tsb)");
        while (r >= 0 && (r = sd_bus_message_read(reply, "(tsb)", &at, &routine, &skipped)) > 0) {
                print_local(at);
                printf("\t%s%s\n", routine, skipped ? "\t(skipped, as asked)" : "");
                n++;
        }
        if (r >= 0 && n == 0)
                puts("Nothing is scheduled: add a schedule to tiptoed.conf.");
        return r < 0 ? failed(&SD_BUS_ERROR_NULL, r) : 0;
}

static int run_snooze(sd_bus *bus, const char *minutes) {
        char *end;
        unsigned long m;

        errno = 0;
        m = minutes ? strtoul(minutes, &end, 10) : 0;
        if (!minutes || errno || end == minutes || *end || m == 0 || m > 240)
                return usage("snooze: give the minutes to wait, 1 to 240", NULL);
        return call(bus, "Snooze", NULL, "u", (uint32_t) m);
}

static void print_json_string(const char *s);

/* Every routine started, and every scheduled run missed or skipped, oldest first. */
static int run_history(sd_bus *bus) {
        _cleanup_(sd_bus_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        const char *routine, *level, *outcome;
        uint64_t started, scheduled, paused, heard;
        uint32_t skipped, streak = 0;
        bool first = true;
        int r = call(bus, "GetHistory", &reply, NULL);

        if (r != 0)
                return r;
        r = sd_bus_get_property_trivial(bus, BUS_NAME, BUS_PATH, BUS_INTERFACE, "Streak", &e, 'u', &streak);
        if (r < 0)
                return failed(&e, r);
        r = sd_bus_message_enter_container(reply, 'a', "(ttsssttu)");
        if (arg_json)
                printf("{\"streak\": %" PRIu32 ", \"entries\": [", streak);
        while (r >= 0 && (r = sd_bus_message_read(reply, "(ttsssttu)", &started, &scheduled, &routine, &level, &outcome,
                                                  &paused, &heard, &skipped)) > 0) {
                if (arg_json) {
                        printf("%s{\"started\": %" PRIu64 ", \"scheduled\": %" PRIu64 ", \"routine\": ",
                               first ? "" : ", ", started, scheduled);
                        print_json_string(routine);
                        printf(", \"level\": ");
                        print_json_string(level);
                        printf(", \"outcome\": \"%s\", \"paused\": %" PRIu64 ", \"heard\": %" PRIu64
                               ", \"skipped_steps\": %" PRIu32 "}",
                               outcome, paused, heard, skipped);
                } else {
                        print_local(started);
                        printf("\t%s\t%s\t%s\t", routine, outcome, scheduled ? "scheduled" : "by hand");
                        print_clock(heard);
                        if (paused >= USEC_PER_SEC) {
                                printf(", paused ");
                                print_clock(paused);
                        }
                        if (skipped)
                                printf(", %" PRIu32 " steps skipped", skipped);
                        putchar('\n');
                }
                first = false;
        }
        if (arg_json)
                puts("]}");
        else
                printf("# streak: %" PRIu32 " day%s\n", streak, streak == 1 ? "" : "s");
        return r < 0 ? failed(&SD_BUS_ERROR_NULL, r) : 0;
}

static void print_json_string(const char *s) {
        putchar('"');
        for (; *s; s++) {
                unsigned char c = (unsigned char) *s;
                if (c == '"' || c == '\\')
                        printf("\\%c", c);
                else if (c < 0x20)
                        printf("\\u%04x", c);
                else
                        putchar(c);
        }
        putchar('"');
}

/* One property of a GetAll reply, its dict entry entered: "Name: value", or for --json
 * "\"Name\": value" after a comma unless it is the first. */
static int print_property(sd_bus_message *reply, bool first) {
        union {
                const char *s;
                uint32_t u;
                uint64_t t;
                double d;
                int b;
        } v;
        const char *name, *contents;
        int r;

        r = sd_bus_message_read(reply, "s", &name);
        if (r < 0)
                return r;
        r = sd_bus_message_peek_type(reply, NULL, &contents);
        if (r < 0)
                return r;
        r = sd_bus_message_enter_container(reply, 'v', contents);
        if (r < 0)
                return r;
        r = sd_bus_message_read_basic(reply, contents[0], &v);
        if (r < 0)
                return r;
        printf(arg_json ? "%s\"%s\": " : "%s%s: ", arg_json && !first ? ", " : "", name);
        switch (contents[0]) {
        case 's':
                if (arg_json)
                        print_json_string(v.s);
                else
                        fputs(v.s, stdout);
                break;
        case 'u':
                printf("%" PRIu32, v.u);
                break;
        case 't':
                printf("%" PRIu64, v.t);
                break;
        case 'd':
                printf("%g", v.d);
                break;
        case 'b':
                fputs(v.b ? "true" : "false", stdout);
                break;
        }
        if (!arg_json)
                putchar('\n');
        return sd_bus_message_exit_container(reply);
}

/* Properties in the daemon's order: as JSON, or as "Name: value" lines. */
static int run_status(sd_bus *bus) {
        _cleanup_(sd_bus_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        int r;

        r = sd_bus_call_method(bus, BUS_NAME, BUS_PATH, "org.freedesktop.DBus.Properties", "GetAll", &e, &reply, "s",
                               BUS_INTERFACE);
        if (r < 0)
                return failed(&e, r);
        r = sd_bus_message_enter_container(reply, 'a', "{sv}");
        if (r < 0)
                return failed(&SD_BUS_ERROR_NULL, r);
        if (arg_json)
                putchar('{');
        for (bool first = true; (r = sd_bus_message_enter_container(reply, 'e', "sv")) > 0; first = false) {
                r = print_property(reply, first);
                if (r < 0)
                        break;
                r = sd_bus_message_exit_container(reply);
                if (r < 0)
                        break;
        }
        if (arg_json)
                puts("}");
        return r < 0 ? failed(&SD_BUS_ERROR_NULL, r) : 0;
}

/* level, volume, language: print the setting, or change it until the daemon exits. */
static int run_setting(sd_bus *bus, const char *property, const char *value) {
        _cleanup_(sd_bus_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        bool number = streq(property, "Volume");
        char *end;
        double v;
        int r;

        if (!value) {
                r = sd_bus_get_property(bus, BUS_NAME, BUS_PATH, BUS_INTERFACE, property, &e, &reply,
                                        number ? "d" : "s");
                if (r < 0)
                        return failed(&e, r);
                if (number) { /* sd_bus_get_property() has entered the variant */
                        if ((r = sd_bus_message_read(reply, "d", &v)) >= 0)
                                printf("%g\n", v);
                } else if ((r = sd_bus_message_read(reply, "s", &value)) >= 0) {
                        int automatic = 0;
                        /* "normal (auto)": the level in force, and that the history decides it. */
                        if (streq(property, "Level"))
                                r = sd_bus_get_property_trivial(bus, BUS_NAME, BUS_PATH, BUS_INTERFACE,
                                                                "LevelAutomatic", &e, 'b', &automatic);
                        if (r >= 0)
                                printf("%s%s\n", value, automatic ? " (auto)" : "");
                }
                return r < 0 ? failed(&e, r) : 0;
        }
        if (!number)
                r = sd_bus_set_property(bus, BUS_NAME, BUS_PATH, BUS_INTERFACE, property, &e, "s", value);
        else {
                errno = 0;
                v = strtod(value, &end);
                if (errno != 0 || end == value || *end)
                        return usage("volume: give a number from 0.0 to 1.0, not ", value);
                r = sd_bus_set_property(bus, BUS_NAME, BUS_PATH, BUS_INTERFACE, property, &e, "d", v);
        }
        return r < 0 ? failed(&e, r) : 0;
}

static int on_cue(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        const char *kind, *text;
        uint64_t position;

        if (sd_bus_message_read(m, "tss", &position, &kind, &text) < 0)
                return 0;
        print_clock(position);
        printf("\t%s\t%s\n", kind, text);
        fflush(stdout);
        return 0;
}

static int on_finished(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        const char *routine;
        int completed;
        uint64_t duration;

        if (sd_bus_message_read(m, "sbt", &routine, &completed, &duration) >= 0) {
                printf("# %s %s after ", routine, completed ? "finished" : "stopped");
                print_clock(duration);
                putchar('\n');
        }
        *(bool *) userdata = true;
        return 0;
}

/* Cues as they are heard, until a routine ends. */
static int run_watch(sd_bus *bus) {
        _cleanup_(sd_bus_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;
        bool done = false;
        int r;

        r = sd_bus_match_signal(bus, NULL, BUS_NAME, BUS_PATH, BUS_INTERFACE, "Cue", on_cue, NULL);
        if (r < 0)
                return failed(&e, r);
        r = sd_bus_match_signal(bus, NULL, BUS_NAME, BUS_PATH, BUS_INTERFACE, "Finished", on_finished, &done);
        if (r < 0)
                return failed(&e, r);
        /* Only now ask whether anyone is there: a cue between the two is not lost. */
        r = sd_bus_call_method(bus, BUS_NAME, BUS_PATH, "org.freedesktop.DBus.Peer", "Ping", &e, NULL, NULL);
        if (r < 0)
                return failed(&e, r);
        fflush(stdout);
        while (!done) {
                r = sd_bus_process(bus, NULL);
                if (r < 0)
                        return failed(&e, r);
                if (r == 0 && (r = sd_bus_wait(bus, UINT64_MAX)) < 0 && r != -EINTR)
                        return failed(&e, r);
        }
        return 0;
}

/* The token a phone on the LAN pairs with tiptoed-web by; "new" replaces it, unpairing
 * every phone paired with the old one. */
static int run_web_token(sd_bus *bus, const char *what) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        const char *token;
        int r;

        if (what && !streq(what, "new"))
                return usage("web-token takes nothing or \"new\", not ", what);
        r = call(bus, what ? "NewWebToken" : "GetWebToken", &reply, NULL);
        if (r != 0)
                return r;
        r = sd_bus_message_read(reply, "s", &token);
        if (r < 0)
                return failed(&SD_BUS_ERROR_NULL, r);
        puts(token);
        return 0;
}

static void help(void) {
        printf("Usage: tiptoectl [--system] COMMAND\n"
               "Tells a running tiptoed what to do.\n\n"
               "Commands:\n"
               "  start [ROUTINE]     start a routine (default: the settings' routine)\n"
               "  stop                stop it\n"
               "  pause, resume       pause it, go on with \"Ready. 3, 2, 1\"\n"
               "  toggle              pause or go on: one key for a desktop shortcut\n"
               "  next, previous      skip to the next step, back to this one or the one before\n"
               "  next-exercise, previous-exercise\n"
               "  repeat              say the last instruction again\n"
               "  status [--json]     what it is doing\n"
               "  routines            the routines there are, with their length\n"
               "  plan [ROUTINE]      the routine's timeline of spoken cues\n"
               "  watch               print cues as they are spoken, until the routine ends\n"
               "  reload              read the settings again\n"
               "  schedule            the next scheduled runs\n"
               "  snooze MINUTES      stop the routine the schedule just started; again in MINUTES\n"
               "  buttons             the input devices read, and what their keys do\n"
               "  skip-next           do not start the next scheduled run; cancel-skip undoes it\n"
               "  history [--json]    every routine started, every run missed, and the streak\n"
               "  level [LEVEL]       show or set the level: easy, normal, hard\n"
               "  volume [VOLUME]     show or set the volume: 0.0 to 1.0\n"
               "  language [LANG]     show or set the voice's language: en, de, ...\n"
               "                      (set ones last until the daemon exits)\n"
               "  web-token [new]     the token a phone on the LAN pairs with tiptoed-web by;\n"
               "                      new: another, and every phone pairs again\n\n"
               "Options:\n"
               "      --system        the daemon on the system bus (a speaker box)\n"
               "  -h, --help          show this help\n"
               "      --version       show the version\n");
}

static const struct {
        const char *command, *method;
} simple[] = {
        { "stop", "Stop" },
        { "pause", "Pause" },
        { "resume", "Resume" },
        { "toggle", "TogglePause" },
        { "next", "Next" },
        { "previous", "Previous" },
        { "repeat", "Repeat" },
        { "reload", "Reload" },
        { "next-exercise", "NextExercise" },
        { "previous-exercise", "PreviousExercise" },
        { "skip-next", "SkipNextRun" },
        { "cancel-skip", "CancelSkip" },
};

static int dispatch(sd_bus *bus, const char *command, int n, char **args) {
        for (size_t i = 0; i < ELEMENTSOF(simple); i++)
                if (streq(command, simple[i].command))
                        return n > 0 ? usage("too many arguments for ", command) : run_simple(bus, simple[i].method);
        static const struct {
                const char *command, *property;
        } settings[] = { { "level", "Level" }, { "volume", "Volume" }, { "language", "Language" } };

        for (size_t i = 0; i < ELEMENTSOF(settings); i++)
                if (streq(command, settings[i].command))
                        return n > 1 ? usage("too many arguments for ", command)
                                     : run_setting(bus, settings[i].property, n > 0 ? args[0] : NULL);
        if (streq(command, "snooze"))
                return n > 1 ? usage("too many arguments for ", command) : run_snooze(bus, n > 0 ? args[0] : NULL);
        if (streq(command, "web-token"))
                return n > 1 ? usage("too many arguments for ", command) : run_web_token(bus, n > 0 ? args[0] : NULL);
        if (n > 1 || (n > 0 && !streq(command, "start") && !streq(command, "plan")))
                return usage("too many arguments for ", command);
        if (streq(command, "start"))
                return run_start(bus, n > 0 ? args[0] : NULL);
        if (streq(command, "plan"))
                return run_plan(bus, n > 0 ? args[0] : NULL);
        if (streq(command, "status"))
                return run_status(bus);
        if (streq(command, "routines"))
                return run_routines(bus);
        if (streq(command, "buttons"))
                return run_buttons(bus);
        if (streq(command, "watch"))
                return run_watch(bus);
        if (streq(command, "schedule"))
                return run_schedule(bus);
        if (streq(command, "history"))
                return run_history(bus);
        return usage("unknown command: ", command);
}

int main(int argc, char *argv[]) {
        enum { ARG_SYSTEM = 0x100, ARG_VERSION };
        static const struct option options[] = { { "system", no_argument, NULL, ARG_SYSTEM },
                                                 { "json", no_argument, NULL, 'j' },
                                                 { "help", no_argument, NULL, 'h' },
                                                 { "version", no_argument, NULL, ARG_VERSION },
                                                 {} };
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        int c, r;

        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0)
                switch (c) {
                case ARG_SYSTEM:
                        arg_system = true;
                        break;
                case 'j':
                        arg_json = true;
                        break;
                case 'h':
                        help();
                        return 0;
                case ARG_VERSION:
                        puts("tiptoectl " PACKAGE_VERSION);
                        return 0;
                default:
                        return EXIT_USAGE;
                }
        if (optind >= argc)
                return usage("no command given: start, stop, pause, resume, toggle, status, ...", NULL);
        if (arg_json && !streq(argv[optind], "status") && !streq(argv[optind], "history"))
                return usage("--json goes with status and history, not with ", argv[optind]);

        r = arg_system ? sd_bus_open_system(&bus) : sd_bus_open_user(&bus);
        if (r < 0) {
                fprintf(stderr, "tiptoectl: cannot connect to the %s: %s\n", bus_name(), strerror(-r));
                return r == -ENOENT || r == -ECONNREFUSED ? no_daemon() : EXIT_SOFTWARE;
        }
        return dispatch(bus, argv[optind], argc - optind - 1, argv + optind + 1);
}
