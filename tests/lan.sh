# Sourced first by the tests of tiptoed-web, before anything else they do: runs the test
# again in a network namespace of its own, where 10.9.0.1 on lo is an address that is not
# loopback, as a phone on the LAN would reach the box. There TIPTOED_WEB_NETNS is 1; where
# no namespace can be made (not root), "none", and the LAN's checks are skipped.
if [ -z "${TIPTOED_WEB_NETNS:-}" ]; then
        if unshare -n true 2>/dev/null; then
                TIPTOED_WEB_NETNS=1 exec unshare -n sh -c \
                        'ip link set lo up && ip addr add 10.9.0.1/32 dev lo && exec sh "$0" "$@"' "$0" "$@"
        fi
        TIPTOED_WEB_NETNS=none
        export TIPTOED_WEB_NETNS
fi
