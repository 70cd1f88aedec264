# Shared by bench/timing and bench/bus: source after setting $routine and $voice.
# The gap statistics of one recording, as "median p99 max first drift_ppm": the error of
# every gap between consecutive cues as heard, against the plan (tests/heard).
gaps() {
        ./tests/heard --tolerance-ms 1000 "$1" "$routine" "$voice" >"$1.heard" || true
        awk '
                / gap error / {
                        for (i = 1; i <= NF; i++) if ($i == "error") e = $(i + 1)
                        planned = $4 - prev_planned
                        e += 0; sum_e += e; sum_p += planned * 1000
                        a = e < 0 ? -e : e
                        if (!have_first) { first = e; have_first = 1 }
                        errs[n++] = a
                }
                / heard at / { prev_planned = $4 }
                END {
                        if (n == 0) { print "- - - - -"; exit }
                        # sort the absolute errors
                        for (i = 1; i < n; i++) { v = errs[i]; for (j = i - 1; j >= 0 && errs[j] > v; j--) errs[j + 1] = errs[j]; errs[j + 1] = v }
                        p99 = int(n * 0.99 + 0.999) - 1
                        printf "%.3f %.3f %.3f %+.3f %.1f\n", errs[int(n / 2)], errs[p99], errs[n - 1], first, sum_e / sum_p * 1e6
                }' "$1.heard"
}

