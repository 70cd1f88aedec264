/* tiptoed: a voice coach for a morning foot routine. This file is the command line:
 * it parses flags, loads what they name and hands it to the pipeline
 * routine -> plan -> clips -> mix -> output. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <termios.h>
#include <unistd.h>

#include "clips.h"
#include "console.h"
#include "daemon.h"
#include "load.h"
#include "log.h"
#include "mix.h"
#include "paths.h"
#include "plan.h"
#include "session.h"
#include "settings.h"

enum action { ACTION_NONE, ACTION_PLAN, ACTION_RENDER, ACTION_CHECK, ACTION_ONCE, ACTION_LIST_DEVICES };

static struct {
        enum action action;
        enum bus_kind bus;
        usec_t clock_start;
        const char *config;
        const char *render_path;
        struct output_spec output;
        bool output_set; /* else: the settings' device */
        const char *language;
        int level; /* -1: from the settings */
} arg = { .level = -1 };

static void help(void) {
        printf("Usage: tiptoed [OPTIONS] [ACTION]\n"
               "A voice coach for a daily foot routine. Without an action it runs as a daemon,\n"
               "controlled over D-Bus (org.tiptoed.Coach1, MPRIS) by tiptoectl and media keys.\n\n"
               "Actions:\n"
               "      --once [ROUTINE]          play the routine now; on a terminal, keys control it:\n"
               "                                space pause/resume, n next, p previous, r repeat,\n"
               "                                N next exercise, P previous exercise, q quit\n"
               "      --plan [ROUTINE]          print the routine's timeline of spoken cues\n"
               "      --render FILE.wav [ROUTINE]\n"
               "                                speak the whole routine into a WAV file\n"
               "      --check-config [FILE...]  check the settings, routines and voices\n"
               "      --list-devices            list the sound output devices (* the default)\n\n"
               "Options:\n"
               "      --system                  daemon: on the system bus (a speaker box)\n"
               "      --no-bus                  daemon: on no bus at all\n"
               "      --clock-start SECONDS     daemon, for tests: run the schedule as if the wall clock\n"
               "                                read SECONDS since the epoch at start-up\n"
               "  -o, --output OUTPUT           portaudio[:DEVICE] (default), wav:FILE or null\n"
               "      --language LANGUAGE       speak in voices/LANGUAGE.conf's language\n"
               "  -c, --config FILE             read settings from FILE\n"
               "  -l, --level LEVEL             easy, normal or hard\n"
               "  -v, --verbose                 log more\n"
               "  -h, --help                    show this help\n"
               "      --version                 show the version\n\n"
               "ROUTINE is a routine id (a file name in the routine directory, without .conf)\n"
               "or the path of a routine file. Default: the settings' routine.\n");
}

_printf_(1, 2) static int usage_error(const char *format, ...) {
        va_list ap;

        fputs("tiptoed: ", stderr);
        va_start(ap, format);
        vfprintf(stderr, format, ap);
        va_end(ap);
        fputs("\nTry 'tiptoed --help'.\n", stderr);
        return -EINVAL;
}

/* < 0: a usage error, said; 0: done (--help, --version); > 0: go on. */
static int parse_argv(int argc, char *argv[]) {
        enum {
                ARG_PLAN = 0x100,
                ARG_RENDER,
                ARG_CHECK,
                ARG_VERSION,
                ARG_ONCE,
                ARG_LIST_DEVICES,
                ARG_LANGUAGE,
                ARG_SYSTEM,
                ARG_NO_BUS,
                ARG_CLOCK_START
        };
        static const struct option options[] = { { "system", no_argument, NULL, ARG_SYSTEM },
                                                 { "no-bus", no_argument, NULL, ARG_NO_BUS },
                                                 { "clock-start", required_argument, NULL, ARG_CLOCK_START },
                                                 { "once", no_argument, NULL, ARG_ONCE },
                                                 { "list-devices", no_argument, NULL, ARG_LIST_DEVICES },
                                                 { "output", required_argument, NULL, 'o' },
                                                 { "language", required_argument, NULL, ARG_LANGUAGE },
                                                 { "plan", no_argument, NULL, ARG_PLAN },
                                                 { "render", required_argument, NULL, ARG_RENDER },
                                                 { "check-config", no_argument, NULL, ARG_CHECK },
                                                 { "config", required_argument, NULL, 'c' },
                                                 { "level", required_argument, NULL, 'l' },
                                                 { "verbose", no_argument, NULL, 'v' },
                                                 { "help", no_argument, NULL, 'h' },
                                                 { "version", no_argument, NULL, ARG_VERSION },
                                                 {} };
        int c;

        while ((c = getopt_long(argc, argv, "c:l:o:vh", options, NULL)) >= 0) {
                enum action a = ACTION_NONE;
                switch (c) {
                case ARG_ONCE:
                        a = ACTION_ONCE;
                        break;
                case ARG_LIST_DEVICES:
                        a = ACTION_LIST_DEVICES;
                        break;
                case ARG_SYSTEM:
                        arg.bus = BUS_SYSTEM;
                        break;
                case ARG_NO_BUS:
                        arg.bus = BUS_NONE;
                        break;
                case ARG_CLOCK_START: {
                        char *end;
                        errno = 0;
                        unsigned long long sec = strtoull(optarg, &end, 10);
                        if (errno || end == optarg || *end || sec == 0)
                                return usage_error("--clock-start %s: give seconds since the epoch (date +%%s).",
                                                   optarg);
                        arg.clock_start = (usec_t) sec * USEC_PER_SEC;
                        break;
                }
                case 'o':
                        if (output_spec_parse(optarg, &arg.output) < 0)
                                return usage_error("--output %s: use portaudio, portaudio:DEVICE, wav:FILE or null.",
                                                   optarg);
                        arg.output_set = true;
                        break;
                case ARG_LANGUAGE:
                        if (!*optarg || strchr(optarg, '/'))
                                return usage_error("--language %s: give a voice name such as \"en\" or \"de\".",
                                                   optarg);
                        arg.language = optarg;
                        break;
                case ARG_PLAN:
                        a = ACTION_PLAN;
                        break;
                case ARG_RENDER:
                        a = ACTION_RENDER;
                        arg.render_path = optarg;
                        break;
                case ARG_CHECK:
                        a = ACTION_CHECK;
                        break;
                case 'c':
                        arg.config = optarg;
                        break;
                case 'l':
                        arg.level = level_from_string(optarg);
                        if (arg.level < 0)
                                return usage_error("unknown level '%s': use easy, normal or hard.", optarg);
                        break;
                case 'v':
                        log_max_level = LOG_DEBUG;
                        break;
                case 'h':
                        help();
                        return 0;
                case ARG_VERSION:
                        printf("tiptoed " PACKAGE_VERSION "\n");
                        return 0;
                default:
                        return -EINVAL; /* getopt said what */
                }
                if (a != ACTION_NONE) {
                        if (arg.action != ACTION_NONE && arg.action != a)
                                return usage_error("%s: give one action at a time.", argv[optind - 1]);
                        arg.action = a;
                }
        }
        if (arg.action == ACTION_NONE && optind < argc)
                return usage_error("'%s': the daemon takes no arguments (did you mean --once %s?).", argv[optind],
                                   argv[optind]);
        if (arg.action != ACTION_NONE && (arg.bus != BUS_USER || arg.clock_start))
                return usage_error(
                        "--system, --no-bus and --clock-start are for the daemon: give no action with them.");
        if (arg.action != ACTION_CHECK && argc - optind > 1)
                return usage_error("too many arguments starting at '%s': name one routine.", argv[optind + 1]);
        return 1;
}

/* The one place a failure becomes an exit status (sysexits.h). Every function below
 * returns a negative errno and has said what went wrong; these are the errnos that name a
 * kind of failure, which the code that knows the kind hands back. The rest are tiptoed's
 * own fault. */
static int exit_status(int r) {
        switch (r) {
        case 0:
                return EXIT_SUCCESS;
        case -EBADMSG: /* a file says something wrong, at FILE:LINE */
                return EXIT_CONFIG;
        case -ENOENT: /* a routine named on the command line is not there */
                return EXIT_NOINPUT;
        case -ENODEV: /* no sound device, eSpeak NG or bus */
                return EXIT_UNAVAILABLE;
        case -EACCES: /* a file to write cannot be created */
                return EXIT_CANTCREAT;
        case -EIO: /* writing it failed */
                return EXIT_IOERR;
        case -ENOMEM:
                log_oom();
                return EXIT_SOFTWARE;
        default:
                return EXIT_SOFTWARE;
        }
}

/* A file that cannot be read or says something wrong: FILE:LINE on stderr. */
static int config_failed(int r, const struct conf_error *err) {
        if (r == -ENOMEM)
                return r;
        fprintf(stderr, "%s\n", err->text);
        return -EBADMSG;
}

/* A routine asked for on the command line that is not there is missing input. */
static int routine_failed(int r, const struct conf_error *err) {
        if (r != -ENOENT)
                return config_failed(r, err);
        fprintf(stderr, "tiptoed: %s\n", err->text);
        return r;
}

/* A file to write: not created, or not written. */
static int write_failed(int r) {
        return output_error_is_file(r) ? -EACCES : r == -ENOMEM ? r : -EIO;
}

static int settings_from_argv(struct settings **ret) {
        struct conf_error err;
        int r = load_settings(arg.config, ret, &err);

        if (r < 0)
                return config_failed(r, &err);
        if (arg.level >= 0) {
                (*ret)->level = arg.level;
                (*ret)->level_auto = false;
        } else if ((*ret)->level_auto && arg.action != ACTION_NONE && arg.action != ACTION_CHECK)
                /* The history is the daemon's, which appends to it: this reads none of it. */
                log_info("level = \"auto\" is the daemon's to decide from the history; here it is easy "
                         "(--level names another).");
        if (arg.language) {
                free((*ret)->language);
                if (!((*ret)->language = strdup(arg.language)))
                        return -ENOMEM;
        }
        log_debug("settings: %s", (*ret)->path ?: "built-in defaults");
        return 0;
}

static void print_seconds(FILE *f, usec_t t) {
        usec_t ms = (t + 500) / 1000;
        fprintf(f, "%" PRIu64 ".%03u", ms / 1000, (unsigned) (ms % 1000));
}

/* The plan's earcons from *k on that start before until, as "earcon" lines. */
static void print_sounds(const struct plan *p, size_t *k, usec_t until) {
        for (; *k < p->n_sounds && p->sounds[*k].start < until; (*k)++) {
                print_seconds(stdout, p->sounds[*k].start);
                putchar('\t');
                print_seconds(stdout, p->sounds[*k].duration);
                printf("\tearcon\t%s\n", earcon_to_string(p->sounds[*k].earcon));
        }
}

static void print_plan(const struct plan *p) {
        size_t k = 0;

        for (size_t i = 0; i < p->n_cues; i++) {
                const struct cue *c = &p->cues[i];
                print_sounds(p, &k, c->start);
                if (c->room > 0) {
                        printf("# made room: the next cue waits ");
                        print_seconds(stdout, c->room);
                        printf(" s past its beat so the speech before it is not cut\n");
                }
                print_seconds(stdout, c->start);
                putchar('\t');
                print_seconds(stdout, c->duration);
                printf("\t%s\t%s\n", cue_kind_to_string(c->kind), c->text);
        }
        print_sounds(p, &k, USEC_INFINITY);
        printf("# total ");
        print_seconds(stdout, p->total);
        char length[CLOCK_MAX];
        printf(" s (%s)\n", format_clock(length, p->total));
}

/* --once: plays the routine on the output named on the command line or in the settings. */
static int play(const struct settings *s, const struct routine *routine, const struct plan *plan, struct clips *clips,
                const struct voice *voice, int *signal) {
        _cleanup_(sd_event_unrefp) sd_event *e = NULL;
        struct output_spec spec = output_spec_choose(arg.output_set ? &arg.output : NULL, s);
        int r;

        r = sd_event_new(&e);
        if (r < 0)
                return log_error_errno(r, "Failed to create an event loop: %m");
        return console_run(e, routine, plan, clips, voice, &spec, s->volume, signal);
}

/* Plans the routine named on the command line, then prints, renders or plays it. *signal:
 * the signal that stopped it playing, if one did. */
static int run_routine(const struct settings *s, const char *name, int *signal) {
        _cleanup_(routine_freep) struct routine *routine = NULL;
        _cleanup_(voice_freep) struct voice *voice = NULL;
        _cleanup_(speech_freep) struct speech *speech = NULL;
        _cleanup_(clips_unrefp) struct clips *clips = NULL;
        _cleanup_(plan_freep) struct plan *plan = NULL;
        _cleanup_(track_freep) struct track *track = NULL;
        struct conf_error err;
        int r;

        r = load_routine(s, name, &routine, &err);
        if (r < 0)
                return routine_failed(r, &err);
        r = load_voice(s, &voice, &err);
        if (r < 0)
                return config_failed(r, &err);
        r = load_check_language(routine, voice, &err);
        if (r < 0)
                return config_failed(r, &err);
        if (arg.action == ACTION_ONCE)
                console_block_signals();
        r = speech_new(voice, &speech);
        if (r == -ENOENT) /* a voice eSpeak NG lacks is the voice file's fault */
                return -EBADMSG;
        if (r < 0)
                return r == -ENOMEM ? r : -ENODEV;
        r = clips_new(speech, voice, &clips);
        if (r < 0)
                return r;
        r = plan_build(routine, s->level, voice, clips_duration, clips, &plan);
        if (r < 0) /* said at FILE:LINE */
                return r == -ENOMEM ? r : -EBADMSG;

        if (arg.action == ACTION_PLAN) {
                print_plan(plan);
                return 0;
        }
        if (arg.action == ACTION_ONCE)
                return play(s, routine, plan, clips, voice, signal);
        r = track_build(plan, clips, 0, &track);
        if (r < 0)
                return r == -ENOMEM ? r : -ENOTRECOVERABLE;
        r = mix_render_wav(track, arg.render_path);
        if (r < 0)
                return log_error_errno(write_failed(r), "Failed to write %s: %s", arg.render_path, strerror(-r));
        log_info("%s: %zu cues, %zu distinct phrases, %" PRIu64 " samples at %u Hz.", arg.render_path, plan->n_cues,
                 clips_count(clips), track->length, track->rate);
        return 0;
}

/* What a file holds, from its top-level settings. */
static int check_file(const char *path) {
        struct conf_error err;
        config_t c;
        bool routine, voice;
        int r;

        config_init(&c);
        r = conf_read_file(&c, path, &err);
        routine = config_lookup(&c, "exercises") != NULL;
        voice = config_lookup(&c, "phrases") != NULL;
        config_destroy(&c);
        if (r < 0)
                return config_failed(r, &err);

        if (routine) {
                _cleanup_(routine_freep) struct routine *rt = NULL;
                r = routine_load(path, &rt, &err);
                if (r < 0)
                        return config_failed(r, &err);
                printf("%s: ok, routine \"%s\" with %zu exercises\n", path, rt->title, rt->n_exercises);
                return 0;
        }
        if (voice) {
                _cleanup_(voice_freep) struct voice *v = NULL;
                r = voice_load(path, &v, &err);
                if (r < 0)
                        return config_failed(r, &err);
                printf("%s: ok, voice \"%s\" (eSpeak NG voice %s)\n", path, v->language, v->espeak_voice);
                return 0;
        }
        _cleanup_(settings_freep) struct settings *s = NULL;
        r = settings_load(path, &s, &err);
        if (r < 0)
                return config_failed(r, &err);
        printf("%s: ok, settings (routine %s, level %s, language %s, %zu scheduled runs a week)\n", path, s->routine,
               s->level_auto ? "auto" : level_to_string(s->level), s->language, schedule_runs_a_week(&s->schedule));
        return 0;
}

/* Without files: the active settings and the routine and voice they use. */
static int check_active(const struct settings *s) {
        _cleanup_(routine_freep) struct routine *routine = NULL;
        _cleanup_(voice_freep) struct voice *voice = NULL;
        struct conf_error err;
        int r;

        printf("%s: ok, settings (routine %s, level %s, language %s, %zu scheduled runs a week)\n",
               s->path ?: "built-in settings", s->routine, s->level_auto ? "auto" : level_to_string(s->level),
               s->language, schedule_runs_a_week(&s->schedule));
        r = load_routine(s, s->routine, &routine, &err);
        if (r < 0) /* the settings name it: a routine not there is theirs to fix */
                return config_failed(r, &err);
        printf("%s: ok, routine \"%s\" with %zu exercises\n", routine->path, routine->title, routine->n_exercises);
        r = load_voice(s, &voice, &err);
        if (r < 0)
                return config_failed(r, &err);
        printf("%s: ok, voice \"%s\" (eSpeak NG voice %s)\n", voice->path, voice->language, voice->espeak_voice);
        return 0;
}

/* The action the command line asks for, as a negative errno or 0. */
static int run(int argc, char *argv[], int *signal) {
        _cleanup_(settings_freep) struct settings *settings = NULL;
        int r;

        if (arg.action == ACTION_NONE) {
                struct coach_options o = {
                        .config = arg.config,
                        .level = arg.level,
                        .language = arg.language,
                        .output = arg.output,
                        .output_set = arg.output_set,
                };
                return daemon_run(&o, arg.bus, arg.clock_start);
        }

        if (arg.action == ACTION_CHECK && optind < argc) {
                int first = 0; /* the first file's failure */
                for (int i = optind; i < argc; i++) {
                        r = check_file(argv[i]);
                        if (r < 0 && first == 0)
                                first = r;
                }
                return first;
        }

        if (arg.action == ACTION_LIST_DEVICES) {
                r = portaudio_list_devices(stdout);
                if (r == 0)
                        return log_error_errno(
                                ENODEV, "PortAudio finds no sound output device (no sound card, no sound "
                                        "server). Connect a speaker, or play into a file with --output wav:FILE.");
                return r < 0 ? -ENODEV : 0; /* PortAudio did not start: said */
        }

        r = settings_from_argv(&settings);
        if (r < 0)
                return r;
        if (arg.action == ACTION_CHECK)
                return check_active(settings);
        return run_routine(settings, optind < argc ? argv[optind] : settings->routine, signal);
}

int main(int argc, char *argv[]) {
        int r, signal = 0;

        log_setup();
        output_announce_role();
        r = parse_argv(argc, argv);
        if (r <= 0)
                return r < 0 ? EXIT_USAGE : EXIT_SUCCESS;
        r = run(argc, argv, &signal);
        if (signal) /* as a shell reports a program a signal ended */
                return 128 + signal;
        return exit_status(r);
}
