/* bus-load: the load bench/bus puts on the daemon while a routine plays. One client calls
 * as fast as the daemon answers (what a status widget polls: Position, GetAll, Ping, now
 * and then ListRoutines) until State is idle, and prints the round-trip times.
 *
 *   bus-load      on the user bus; prints "calls N rate R/s p50 A p99 B max C (ms) slowest WHAT" */
#include <stdio.h>
#include <stdlib.h>
#include <systemd/sd-bus.h>

#include "util.h"

#define NAME "org.tiptoed.Coach1"
#define PATH "/org/tiptoed/Coach1"

static int compare(const void *a, const void *b) {
        usec_t x = *(const usec_t *) a, y = *(const usec_t *) b;
        return x < y ? -1 : x > y;
}

static const char *call_name(unsigned i) {
        return i % 100 == 99 ? "ListRoutines" : i % 20 == 0 ? "GetAll" : i % 20 == 1 ? "Ping" : "Get(Position)";
}

static int one_call(sd_bus *bus, unsigned i) {
        _cleanup_(sd_bus_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;

        if (i % 100 == 99)
                return sd_bus_call_method(bus, NAME, PATH, NAME, "ListRoutines", &e, &reply, NULL);
        if (i % 20 == 0)
                return sd_bus_call_method(bus, NAME, PATH, "org.freedesktop.DBus.Properties", "GetAll", &e, &reply, "s",
                                          NAME);
        if (i % 20 == 1)
                return sd_bus_call_method(bus, NAME, PATH, "org.freedesktop.DBus.Peer", "Ping", &e, &reply, NULL);
        return sd_bus_get_property_trivial(bus, NAME, PATH, NAME, "Position", &e, 't', &(uint64_t){ 0 });
}

int main(void) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        size_t n = 0, allocated = 0;
        usec_t *rtt = NULL, began = now_monotonic(), took, slowest = 0;
        unsigned slowest_call = 0;
        int r;

        if ((r = sd_bus_open_user(&bus)) < 0)
                return fprintf(stderr, "bus-load: no bus: %s\n", strerror(-r)), 1;
        for (unsigned i = 0;; i++) {
                usec_t t0 = now_monotonic();
                if ((r = one_call(bus, i)) < 0)
                        return fprintf(stderr, "bus-load: call failed: %s\n", strerror(-r)), 1;
                if (n == allocated && !(rtt = realloc(rtt, (allocated = allocated * 2 + 4096) * sizeof *rtt)))
                        return 1;
                rtt[n] = now_monotonic() - t0;
                if (rtt[n] > slowest) {
                        slowest = rtt[n];
                        slowest_call = i;
                }
                n++;
                if (i % 50 == 0) {
                        _cleanup_free_ char *state = NULL;
                        if (sd_bus_get_property_string(bus, NAME, PATH, NAME, "State", NULL, &state) < 0)
                                return 1;
                        if (streq(state, "idle"))
                                break;
                }
        }
        took = now_monotonic() - began;
        qsort(rtt, n, sizeof *rtt, compare);
        printf("calls %zu rate %.0f p50 %.3f p99 %.3f max %.3f slowest %s,call#%u\n", n, n / (took / 1e6),
               rtt[n / 2] / 1e3, rtt[(size_t) (n * 0.99)] / 1e3, rtt[n - 1] / 1e3, call_name(slowest_call),
               slowest_call + 1);
        free(rtt);
        return 0;
}
