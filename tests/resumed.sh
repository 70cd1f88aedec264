# A routine that lost its sound device and got it back, as heard: sourced by the tests that
# pull the device away (tests/test-faults.sh: the sound server; tests/box/run: a USB speaker).
#
#   resumed_right LOG BEFORE.wav AFTER.wav [TOLERANCE-MS [CUES]]
#       LOG is what tiptoed -v said (its "cue N ..." lines, with or without "tiptoed: "
#       before them, and "Lost ..."); BEFORE and AFTER are recordings made up to the loss
#       and from the device's return. Passes when every cue before the loss was heard,
#       and tiptoed went on from the cue it was saying (said again whole) or, when that cue
#       was lost in the quiet after it, from the next, never from further back; each gap
#       within TOLERANCE-MS (2) of the plan, up to the end, or over the first CUES cues
#       it went on with. The cue it went on from is the one the daemon logged first after
#       "... again.", when it did: the recording alone cannot tell the lead-in's "1" from a
#       count "1" before the cue, and a few cues from the same ones of another set.
#       Uses $heard, $routine and $voice.
resumed_right() {
        log=$1 before=$2 after=$3 tolerance=${4:-2} more=$((${5:-99} - 1))
        # The last cue tiptoed heard begin before the loss is the one to go on from.
        last=$(sed -n '/Lost /q; s/^\(tiptoed: \)\{0,1\}cue \([0-9]*\) .*/\2/p' "$log" | tail -n 1)
        [ -n "$last" ] || { echo "no cue began before the loss:"; cat "$log"; return 1; }
        if [ "$last" -gt 0 ]; then
                "$heard" --tolerance-ms "$tolerance" --cues "0-$((last - 1))" "$before" "$routine" "$voice" >"$after.out" ||
                        { echo "before the loss:"; cat "$after.out"; return 1; }
        fi
        # Where it went on: as the daemon says, when it says (a device back, "... again.",
        # then its cues), and its cues heard from there; else as the recording alone says.
        said=$(sed -n '/ again\.$/,$ s/^\(tiptoed: \)\{0,1\}cue \([0-9]*\) .*/\2/p' "$log" | head -n 1)
        if [ -n "$said" ]; then
                resumed=$said
                [ "$said" = "$last" ] || [ "$said" = $((last + 1)) ] ||
                        { echo "went on from cue $said, not from $last (the one it was saying) or the next"; return 1; }
                [ "$said" = "$last" ] ||
                        "$heard" --tolerance-ms "$tolerance" --cues "0-$last" "$before" "$routine" "$voice" >"$after.out" ||
                        { echo "went on from cue $said, but cue $last was not heard whole:"; cat "$after.out"; return 1; }
                "$heard" --tolerance-ms "$tolerance" --cues "$said-$((said + more))" "$after" "$routine" "$voice" \
                        >"$after.out" || { echo "after the loss (went on from cue $said):"; cat "$after.out" "$log"; return 1; }
        elif "$heard" --tolerance-ms "$tolerance" --cues "$last-$((last + more))" "$after" "$routine" "$voice" >"$after.out"; then
                resumed=$last
        elif "$heard" --tolerance-ms "$tolerance" --cues "0-$last" "$before" "$routine" "$voice" >/dev/null &&
                "$heard" --tolerance-ms "$tolerance" --cues "$((last + 1))-$((last + 1 + more))" "$after" "$routine" "$voice" \
                        >"$after.out"; then
                resumed=$((last + 1))
        else
                echo "after the loss (last cue begun: $last):"; cat "$after.out" "$log"; return 1
        fi
        # The lead-in (plan_lead_in()) says "Ready" and counts "3, 2, 1" on the seconds before
        # the cue it goes on from, so a count "1" a second before that cue may be the lead-in's:
        # the cue before was said again only when heard after the lead-in, 4 s after "Ready".
        # Looked for with every cue after it, to the end, whatever CUES says: a set said
        # again word for word would otherwise pass for it.
        if "$heard" --tolerance-ms "$tolerance" --cues "$((resumed - 1))-99" "$after" "$routine" "$voice" >"$after.out" &&
                sed -n 's/^# cue [0-9]* is heard \([0-9.]*\) s after the first sound$/\1/p' "$after.out" |
                awk '{ t = $1 } END { exit !(NR == 0 || t > 3.5) }'; then
                echo "went on from cue $((resumed - 1)), before the one cut off ($resumed):"; cat "$after.out"; return 1
        fi
        echo "went on from cue $resumed"
}
