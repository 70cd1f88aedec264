# TAP for shell tests: source it, call check "description" command..., then finish.
# Each check runs a command and passes when it exits 0.
tap_n=0
tap_failed=0
# Where a check's notes wait for its result line (its output is shown only if it fails).
tap_notes=${TMPDIR:-/tmp}/tiptoed-tap-notes.$$

check() {
        desc=$1
        shift
        tap_n=$((tap_n + 1))
        if out=$("$@" 2>&1); then
                echo "ok $tap_n - $desc"
        else
                echo "not ok $tap_n - $desc"
                printf '%s\n' "$out" | sed 's/^/# /'
                tap_failed=$((tap_failed + 1))
        fi
        if [ -f "$tap_notes" ]; then
                sed 's/^/# /' "$tap_notes"
                rm -f "$tap_notes"
        fi
}

# skip "description" "why": for a check this machine cannot make (TAP counts it apart).
skip() {
        tap_n=$((tap_n + 1))
        echo "ok $tap_n - $1 # SKIP $2"
}

# note TEXT: said under the check's result in the test's log, pass or fail.
note() {
        printf '%s\n' "$*" >>"$tap_notes"
}

finish() {
        echo "1..$tap_n"
        [ "$tap_failed" -eq 0 ]
}

# expect_exit STATUS PATTERN COMMAND...: the command exits STATUS and its output
# (stdout and stderr) matches the grep pattern.
expect_exit() {
        want=$1 pattern=$2
        shift 2
        got=0
        output=$("$@" 2>&1) || got=$?
        if [ "$got" -ne "$want" ]; then
                echo "exit status $got, expected $want; output:"
                echo "$output"
                return 1
        fi
        printf '%s\n' "$output" | grep -q -- "$pattern" || {
                echo "output does not match '$pattern':"
                echo "$output"
                return 1
        }
}
