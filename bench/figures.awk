# bench/figures.awk: figures as lines "PATH PLAYER WHAT VALUE" (WHAT: cpu in seconds,
# start or pause a median in ms) into one table: a column for each path, in the order
# first given; a row for each player's CPU, start and pause; and tiptoed's CPU as a
# multiple of each dumb player's on the same path. A blank cell: not measured there.
{
        if (!($1 in col)) path[col[$1] = ++ncol] = $1
        v[$1, $2, $3] = $4
}

function row(label, player, what,    i, any, line) {
        line = sprintf("%-22s", label)
        for (i = 1; i <= ncol; i++) {
                any += (path[i], player, what) in v
                line = line sprintf(" %12s", ((path[i], player, what) in v) ? v[path[i], player, what] : "-")
        }
        if (any) print line
}

function ratio(player,    i, any, line, cell, p) {
        line = sprintf("%-22s", "tiptoed x " player)
        for (i = 1; i <= ncol; i++) {
                cell = "-"
                if ((path[i], "tiptoed", "cpu") in v && (path[i], player, "cpu") in v) {
                        any++
                        p = v[path[i], player, "cpu"]
                        if (p > 0) cell = sprintf("%.1fx", v[path[i], "tiptoed", "cpu"] / p)
                }
                line = line sprintf(" %12s", cell)
        }
        if (any) print line
}

END {
        split("tiptoed paplay pw-play aplay", players)
        line = sprintf("%-22s", "")
        for (i = 1; i <= ncol; i++) line = line sprintf(" %12s", path[i])
        print line
        for (j = 1; j in players; j++) row(players[j] " CPU-s", players[j], "cpu")
        for (j = 2; j in players; j++) ratio(players[j])
        for (j = 1; j in players; j++) row(players[j] " start ms", players[j], "start")
        row("tiptoed pause ms", "tiptoed", "pause")
}
