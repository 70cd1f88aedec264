#!/bin/sh
# The command line as a user meets it: --plan, --render, --check-config, exit codes.
. "$top_srcdir/tests/tap.sh"

tiptoed="$top_builddir/src/tiptoed"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

plan_format() {
        "$tiptoed" --plan >"$tmp/plan" || return 1
        # START<TAB>DURATION<TAB>KIND<TAB>TEXT, seconds with 3 decimals; then the total.
        bad=$(grep -v '^#' "$tmp/plan" | grep -cvP '^\d+\.\d{3}\t\d+\.\d{3}\t[a-z]+\t.+$')
        [ "$bad" -eq 0 ] || { echo "$bad malformed lines"; return 1; }
        tail -n 1 "$tmp/plan" | grep -qP '^# total \d+\.\d{3} s \(\d\d:\d\d\)$'
}
check "--plan prints one tab-separated line per cue and the total" plan_format

plan_levels() {
        e=$("$tiptoed" --plan --level easy | tail -n 1 | cut -d' ' -f3)
        h=$("$tiptoed" --plan --level hard | tail -n 1 | cut -d' ' -f3)
        awk -v e="$e" -v h="$h" 'BEGIN { exit !(e < h) }'
}
check "--level hard plans a longer routine than --level easy" plan_levels

check "--plan of a routine given by path" \
        expect_exit 0 "Heel raises" "$tiptoed" --plan "$top_srcdir/config/routines/morning-feet.conf"

render() {
        "$tiptoed" --render "$tmp/out.wav" 2>/dev/null || return 1
        total=$(tail -n 1 "$tmp/plan" | cut -d' ' -f3)
        size=$(stat -c %s "$tmp/out.wav")
        # 16-bit mono at 22050 Hz: 44 header bytes and 2 bytes a sample, as long as the plan.
        awk -v t="$total" -v s="$size" 'BEGIN { n = (s - 44) / 2; exit !(n >= t * 22050 - 30 && n <= t * 22050 + 30) }'
}
check "--render writes a WAV as long as the plan" render
check "--render into a missing directory exits 73" \
        expect_exit 73 "Cannot\|Failed to write" "$tiptoed" --render /nonexistent/dir/out.wav

check "--check-config checks settings, routine and voice" \
        expect_exit 0 "morning-feet.conf: ok" "$tiptoed" --check-config
check "--check-config under a comma-decimal locale" \
        env LC_ALL=de_DE.UTF-8 LC_NUMERIC=de_DE.UTF-8 "$tiptoed" --check-config \
        "$top_srcdir/config/tiptoed.conf" "$top_srcdir/voices/en.conf" "$top_srcdir/config/routines/morning-feet.conf"

printf 'title = "Room";\nexercises = ( { name = "Hold"; purpose = "Test.";\n  blocks = ( { timed = 4; say = "%s"; } ); } );\n' \
        "An instruction far longer than the four seconds of the phase it introduces, so the countdown must wait." \
        >"$tmp/room.conf"
check "--plan says where it made room for speech" \
        expect_exit 0 "^# made room: the next cue waits [0-9.]* s" "$tiptoed" --plan "$tmp/room.conf"

printf 'title = "Bad";\nexercises = (\n  { name = "x"; purpose = "y";\n    blocks = ( { reps = 10; tempo = "fast"; } ); }\n);\n' >"$tmp/bad-routine.conf"
check "a bad routine: FILE:LINE: message and exit 78" \
        expect_exit 78 "bad-routine.conf:4: 'tempo' must be a number" "$tiptoed" --check-config "$tmp/bad-routine.conf"
check "--plan of a bad routine exits 78 with FILE:LINE" \
        expect_exit 78 "bad-routine.conf:4:" "$tiptoed" --plan "$tmp/bad-routine.conf"

printf 'level = "normal"\nroutine = "morning-feet";\nvoice = { language = "en" ; ;\n' >"$tmp/syntax.conf"
check "a syntax error in the settings: FILE:LINE and exit 78" \
        expect_exit 78 "syntax.conf:3: syntax error" "$tiptoed" --config "$tmp/syntax.conf" --plan

printf 'levle = "hard";\n' >"$tmp/typo.conf"
check "an unknown setting suggests the near miss" \
        expect_exit 78 "typo.conf:1: unknown setting 'levle' (did you mean 'level'?)" \
        "$tiptoed" --config "$tmp/typo.conf" --check-config

printf 'voice = { language = "xx"; };\n' >"$tmp/nolang.conf"
check "a language without a voice file exits 78 and says what to add" \
        expect_exit 78 "add voices/xx.conf" "$tiptoed" --config "$tmp/nolang.conf" --plan

# voice.earcons = true: each count after a tick on its beat, each of "3, 2, 1" after a
# tone, a chime at each phase's and rest's end; the lines as the cues', the routine longer.
plan_earcons() {
        printf 'voice = { earcons = true; };\n' >"$tmp/earcons.conf"
        "$tiptoed" --plan --config "$tmp/earcons.conf" >"$tmp/earcons.plan" || return 1
        bad=$(grep -v '^#' "$tmp/earcons.plan" | grep -cvP '^\d+\.\d{3}\t\d+\.\d{3}\t[a-z]+\t.+$')
        [ "$bad" -eq 0 ] || { echo "$bad malformed lines"; return 1; }
        awk -F'\t' '/^#/ { next }
                $3 == "count" || $3 == "countdown" {
                        want = $3 == "count" ? "tick" : "countdown"
                        if (prev != want || $1 - pstart - plen < 0.039 || $1 - pstart - plen > 0.041) {
                                print "no " want " just before " $3 " " $4 " at " $1; bad++
                        }
                        n[want]++
                }
                $3 == "earcon" { n[$4]++ }
                { prev = $3 == "earcon" ? $4 : $3; pstart = $1; plen = $2 }
                END { print "# ticks " n["tick"] ", tones " n["countdown"] ", chimes " n["chime"];
                      exit !(bad == 0 && n["tick"] > 100 && n["countdown"] > 60 && n["chime"] > 20) }' "$tmp/earcons.plan" ||
                return 1
        with=$(tail -n 1 "$tmp/earcons.plan" | cut -d' ' -f3)
        without=$("$tiptoed" --plan | tail -n 1 | cut -d' ' -f3)
        awk -v a="$with" -v b="$without" 'BEGIN { exit !(a > b && a < b + 30) }'
}
check "voice.earcons = true: --plan shows a tick before each count, a tone before each of 3, 2, 1, chimes" \
        plan_earcons

sed 's/^  level = -20.0;.*/  level = 6;/' "$top_srcdir/voices/en.conf" >"$tmp/loud.conf"
check "earcons louder than full scale: FILE:LINE and exit 78" \
        expect_exit 78 "loud.conf:[0-9]*: .*level.* -60 .*0" "$tiptoed" --check-config "$tmp/loud.conf"
printf 'voice = { earcons = "yes"; };\n' >"$tmp/earcons-yes.conf"
check "voice.earcons not true or false: FILE:LINE and exit 78" \
        expect_exit 78 "earcons-yes.conf:1: 'earcons' is true or false" \
        "$tiptoed" --config "$tmp/earcons-yes.conf" --check-config

check "an unknown routine exits 66 and says where it looked" \
        expect_exit 66 "no routine 'nosuch' in .*config/routines" "$tiptoed" --plan nosuch
check "a missing file to check exits 78" \
        expect_exit 78 "cannot open" "$tiptoed" --check-config "$tmp/none.conf"
check "a routine without an action is a usage error, exit 64" \
        expect_exit 64 "the daemon takes no arguments (did you mean --once morning-feet?)" "$tiptoed" morning-feet
check "--system with an action is a usage error, exit 64" expect_exit 64 "are for the daemon" "$tiptoed" --plan --system
check "an unknown level is a usage error, exit 64" expect_exit 64 "unknown level 'medium'" "$tiptoed" --plan --level medium
check "an unknown option is a usage error, exit 64" expect_exit 64 "unrecognized option" "$tiptoed" --bogus
check "two actions at once are a usage error, exit 64" expect_exit 64 "one action at a time" "$tiptoed" --plan --check-config
render_german() {
        "$tiptoed" --render "$tmp/de.wav" --language de 2>/dev/null &&
                "$top_builddir/tests/heard" "$tmp/de.wav" "$top_srcdir/config/routines/morning-feet.de.conf" \
                        "$top_srcdir/voices/de.conf" | tail -n 1 | grep -q '^# 679 of 679 cues heard in order, 0 resyncs'
}
check "--language de renders the whole German routine, every cue in place" render_german
check "--language de plans the German routine" expect_exit 0 "Fersenheben" "$tiptoed" --plan --language de
check "an English routine with the German voice exits 78 and says what to add" \
        expect_exit 78 "Add a routine file for \"de\"" "$tiptoed" --plan --language de "$top_srcdir/config/routines/morning-feet.conf"
check "an unknown --output is a usage error, exit 64" expect_exit 64 "use portaudio" "$tiptoed" --once --output speaker
check "--once into a WAV file that cannot be created exits 73" \
        expect_exit 73 "Failed to create /nonexistent/x.wav" "$tiptoed" --once --output wav:/nonexistent/x.wav
check "--once into a full disk (/dev/full) stops with the error, exit 74" \
        expect_exit 74 "No space left on device" "$tiptoed" --once --output wav:/dev/full "$top_srcdir/tests/data/short.conf"
printf 'level = "easy";\naudio = {\n  volume = 5.0;\n};\n' >"$tmp/loud.conf"
check "audio.volume out of range exits 78 at its line" \
        expect_exit 78 "loud.conf:3: 'volume' is 5, out of range: use 0 to 4" "$tiptoed" --config "$tmp/loud.conf" --plan
printf 'audio = {\n  rate = 44100.5;\n};\n' >"$tmp/rate.conf"
check "audio.rate not a whole number exits 78 at its line" \
        expect_exit 78 "rate.conf:2: 'rate' must be a whole number, not 44100.5" "$tiptoed" --config "$tmp/rate.conf" --plan
printf 'audio = { rate = 4000; };\n' >"$tmp/rate.conf"
check "audio.rate out of range exits 78, saying the rates it takes" \
        expect_exit 78 "rate.conf:1: 'rate' is 4000, out of range: use 8000 to 192000" "$tiptoed" --config "$tmp/rate.conf" --plan
printf 'audio = { latency = 5000; };\n' >"$tmp/slow.conf"
check "audio.latency out of range exits 78 at its line" \
        expect_exit 78 "slow.conf:1: 'latency' is 5000, out of range: use 10 to 1000" "$tiptoed" --config "$tmp/slow.conf" --plan
# On a terminal (script(1) gives it one): keys act at once, and the status line follows.
terminal() {
        (sleep 2.5; printf ' '; sleep 1; printf ' '; sleep 4; printf 'q') |
                script -qec "$tiptoed --once --output null $top_srcdir/tests/data/short.conf" /dev/null >"$tmp/tty" 2>&1 ||
                { cat "$tmp/tty"; return 1; }
        tr '\r' '\n' <"$tmp/tty" >"$tmp/lines"
        grep -q '\[paused\] Heel raises, set 1 of 2  0:[0-9][0-9] left' "$tmp/lines" &&
                grep -q '\[playing\] Short  0:[0-9][0-9] left' "$tmp/lines" &&
                [ "$(grep -c . "$tmp/lines")" -lt 60 ] &&
                grep -q '\[stopped\]' "$tmp/lines" || { cat "$tmp/lines"; return 1; }
}
check "on a terminal: space pauses, q quits, one status line shows exercise, set and time left" terminal
check "--help exits 0" expect_exit 0 "Usage: tiptoed" "$tiptoed" --help
check "--version exits 0" expect_exit 0 "^tiptoed [0-9]" "$tiptoed" --version

finish
