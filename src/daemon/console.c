#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <termios.h>
#include <unistd.h>

#include "console.h"
#include "log.h"

struct console {
        sd_event *event;
        struct session *session;
        const struct routine *routine;
        bool tty_in, tty_out, raw;
        struct termios saved;
        int signal; /* the one that stopped it */
        enum player_state announced;
        char shown[320]; /* the status line on the terminal now */
};

void console_block_signals(void) {
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGINT);
        sigaddset(&set, SIGTERM);
        pthread_sigmask(SIG_BLOCK, &set, NULL);
}

static void status_line(struct console *c) {
        struct session_status st;
        const struct plan *plan = session_plan(c->session);
        char left[CLOCK_MAX], where[256] = "", line[sizeof c->shown];

        session_status(c->session, &st);
        if (st.heard.cue >= 0) {
                const struct cue *cue = &plan->cues[st.heard.cue];
                const struct exercise *e = &c->routine->exercises[cue->exercise];
                int n = snprintf(where, sizeof where, "%s", cue->kind == CUE_INTRO ? c->routine->title : e->name);
                if (cue->kind != CUE_INTRO && cue->kind != CUE_FINISH && cue->kind != CUE_NEXT) {
                        n += snprintf(where + n, sizeof where - n, ", set %u of %u", cue->set + 1, cue->sets);
                        if (e->n_sides > 0)
                                snprintf(where + n, sizeof where - n, ", %s", e->sides[cue->side].name);
                }
        }
        /* Time left rounds up, as a countdown shows it: 0:01 until the end, never 0:00 before. */
        format_clock(left, st.total - MIN(st.position, st.total) + USEC_PER_SEC - 1);
        snprintf(line, sizeof line, "[%s%s%s] %s  %s left", player_state_to_string(st.heard.state),
                 st.reason ? ": " : "", st.reason ?: "", where, left);
        if (streq(line, c->shown))
                return;
        strcpy(c->shown, line);
        printf("\r\033[K%s", line);
        fflush(stdout);
}

static void on_session(struct session *s, enum session_event ev, void *userdata) {
        struct console *c = userdata;
        struct session_status st;

        session_status(s, &st);
        if (ev == SESSION_STATE && st.heard.state != c->announced) {
                c->announced = st.heard.state;
                log_debug("%s at %.6f%s%s", player_state_to_string(st.heard.state), now_monotonic() / 1e6,
                          st.reason ? ": " : "", st.reason ?: "");
                if (!c->tty_out && st.reason)
                        log_warning("Paused: %s.", st.reason);
        }
        if (c->tty_out)
                status_line(c);
        if (ev == SESSION_END)
                sd_event_exit(c->event, session_error(s));
}

static const struct {
        char key;
        enum player_command command;
} keys[] = {
        { ' ', PLAYER_TOGGLE }, { 'n', PLAYER_NEXT },          { 'p', PLAYER_PREVIOUS },
        { 'r', PLAYER_REPEAT }, { 'N', PLAYER_NEXT_EXERCISE }, { 'P', PLAYER_PREVIOUS_EXERCISE },
        { 'q', PLAYER_STOP },
};

static int on_key(sd_event_source *source, int fd, uint32_t revents, void *userdata) {
        struct console *c = userdata;
        char buf[64];
        ssize_t n = read(fd, buf, sizeof buf);

        if (n <= 0) {
                if (n < 0 && (errno == EAGAIN || errno == EINTR))
                        return 0;
                return sd_event_source_set_enabled(source, SD_EVENT_OFF); /* end of input: keys are optional */
        }
        for (ssize_t i = 0; i < n; i++)
                for (size_t k = 0; k < ELEMENTSOF(keys); k++)
                        if (buf[i] == keys[k].key) {
                                log_debug("%s requested at %.6f", player_command_to_string(keys[k].command),
                                          now_monotonic() / 1e6);
                                session_command(c->session, keys[k].command);
                        }
        return 0;
}

static int on_signal(sd_event_source *source, const struct signalfd_siginfo *si, void *userdata) {
        struct console *c = userdata;

        c->signal = (int) si->ssi_signo;
        if (session_command(c->session, PLAYER_STOP) < 0)
                return sd_event_exit(c->event, 0);
        return 0;
}

static void raw_mode(struct console *c) {
        struct termios t;

        if (!c->tty_in || tcgetattr(STDIN_FILENO, &c->saved) < 0)
                return;
        t = c->saved;
        t.c_lflag &= ~(ICANON | ECHO); /* keys at once and unseen; Ctrl-C still signals */
        t.c_cc[VMIN] = 1;
        t.c_cc[VTIME] = 0;
        c->raw = tcsetattr(STDIN_FILENO, TCSANOW, &t) >= 0;
}

static void restore(struct console *c) {
        if (c->raw)
                tcsetattr(STDIN_FILENO, TCSANOW, &c->saved);
        if (c->tty_out)
                putchar('\n');
}

int console_run(sd_event *e, const struct routine *routine, const struct plan *plan, struct clips *clips,
                const struct voice *voice, const struct output_spec *spec, double volume, int *ret_signal) {
        _cleanup_(session_freep) struct session *session = NULL;
        struct console c = {
                .event = e,
                .routine = routine,
                .tty_in = isatty(STDIN_FILENO),
                .tty_out = isatty(STDOUT_FILENO),
                .announced = PLAYER_PLAYING,
        };
        int r;

        r = sd_event_add_signal(e, NULL, SIGINT, on_signal, &c);
        if (r < 0)
                return log_error_errno(r, "Failed to watch signals: %m");
        r = sd_event_add_signal(e, NULL, SIGTERM, on_signal, &c);
        if (r < 0)
                return log_error_errno(r, "Failed to watch signals: %m");

        r = session_start(e, plan, clips, voice, spec, volume, NULL, on_session, &c, &session);
        if (output_error_is_device(r)) /* said */
                return -ENODEV;
        if (output_error_is_file(r)) /* the wav: file */
                return -EACCES;
        if (r < 0)
                return r;
        c.session = session;
        char length[CLOCK_MAX];
        log_info("Playing \"%s\" (%s) on %s.", routine->title, format_clock(length, plan->total),
                 session_output(session));

        /* Keys from a terminal or a pipe; /dev/null or a closed stdin just means no keys. */
        r = sd_event_add_io(e, NULL, STDIN_FILENO, EPOLLIN, on_key, &c);
        if (r < 0)
                log_debug("No keys from standard input: %s", strerror(-r));
        raw_mode(&c);

        r = sd_event_loop(e);
        restore(&c);
        if (r < 0 && r != session_error(session))
                return log_error_errno(r, "Event loop failed: %m");
        if (session_error(session) < 0) /* the wav: file could not be written: said */
                return -EIO;
        *ret_signal = c.signal;
        return 0;
}
