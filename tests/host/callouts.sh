# SPDX-License-Identifier: GPL-2.0
# Callout and notifier scripts, sourced by run.sh (uses $tool, $tmp, $here and
# host_check): what mdevctl 1.4 gives them (arguments, the JSON on stdin), in which
# order they run, how a pre callout refuses and --force overrides, which script
# handles a device (exit 2 passes, /usr/lib before /etc, a versioned script alone),
# the live event of modify --live, and the attributes a callout reports. Then
# --jsonfile /dev/stdin where /dev/stdin cannot be opened.
#
# The scripts append "<name> <their arguments> <stdin>" to $CROOT/log.

U1=11111111-0000-1000-8000-000000000001
U2=11111111-0000-1000-8000-000000000002
U4=11111111-0000-1000-8000-000000000004

# callout_tree NAME: a fresh root ($CROOT) with the devices of trees/devices.sh.
callout_tree() {
	CROOT="$tmp/callouts-$1"
	mkdir -p "$CROOT"
	(ROOT="$CROOT"; . "$here/trees/lib.sh"; . "$here/trees/devices.sh")
	: >"$CROOT/log"
}
ctool() { MDEVCTL_ENV_ROOT="$CROOT" "$tool" "$@"; }

# script DIR NAME BODY: an executable script DIR/NAME (DIR under the root) that logs
# its call and stdin, then runs BODY (shell, with $type $event $action $state $uuid
# $parent set).
script() {
	mkdir -p "$CROOT/$1"
	cat >"$CROOT/$1/$2" <<EOF
#!/bin/sh
type=\$2 event=\$4 action=\$6 state=\$8 uuid=\${10} parent=\${12}
echo "$2 \$* <\$(cat)>" >>"\$MDEVCTL_ENV_ROOT/log"
$3
EOF
	chmod +x "$CROOT/$1/$2"
}
ETC=etc/mdevctl.d/scripts.d
LIB=usr/lib/mdevctl/scripts.d
# The answer of a versioned script: version 2 with every action and EVENTS.
supports() {
	echo "echo '{\"supports\": {\"version\": 2, \"actions\": [$1], \"events\": [$2]}}'"
}
ALL_ACTIONS='"start", "stop", "define", "undefine", "modify", "attributes", "capabilities"'
ALL_EVENTS='"pre", "post", "notify", "get", "live"'
created() { cat "$CROOT/sys/class/mdev_bus/sacc0/mdev_supported_types/$1/create"; }
args() { echo "-t $1 -e $2 -a $3 -s $4 -u $5 -p sacc0"; }
J4='{"mdev_type":"sacc-4q","start":"manual","attrs":[]}'
PROVIDES='{"provides":{"version":2,"actions":["start","stop","define","undefine","modify","attributes","capabilities"],"events":["pre","post","notify","get","live"]}}'

# 1. Arguments, stdin and order: capabilities probe, pre, the start, post, notifier.
callout_tree order
script "$ETC/callouts" rec 'case "$event" in get) exit 2;; esac'
script "$ETC/notifiers" note ''
ctool start -u "$U4" >"$tmp/co-order.out" 2>&1
rc=$?
expected="rec $(args sacc-4q get capabilities none "$U4") <$PROVIDES>
rec $(args sacc-4q pre start none "$U4") <$J4>
rec $(args sacc-4q post start success "$U4") <$J4>
note $(args sacc-4q notify start success "$U4") <$J4>"
host_check "callouts: start runs get/capabilities, pre, post, then the notifier, with mdevctl's arguments and the JSON on stdin" \
	eval '[ $rc -eq 0 ] && [ "$(cat "$CROOT/log")" = "$expected" ] && [ "$(created sacc-4q)" = "$U4" ]'

# 2. A pre callout that fails refuses the start: nothing created, no post, the
#    notifier told "none"; its message on stderr behind its name.
callout_tree veto
script "$ETC/callouts" veto 'case "$event" in get) exit 2;; pre) echo "no room for $type" >&2; exit 1;; esac'
script "$ETC/notifiers" note ''
ctool start -u "$U4" >"$tmp/co-veto.out" 2>&1
rc=$?
host_check "callouts: a pre callout exiting 1 refuses start: exit 1, nothing created (status $rc)" \
	eval '[ $rc -eq 1 ] && [ -z "$(created sacc-4q)" ]'
host_check "callouts: the refusal names the script and its status, and shows its stderr behind its name" \
	eval 'grep -q "start of device $U4 refused: callout script $CROOT/$ETC/callouts/veto exited with status 1" "$tmp/co-veto.out" && grep -qx "veto: no room for sacc-4q" "$tmp/co-veto.out"'
host_check "callouts: after a refusal no post callout runs and the notifier gets state none" \
	eval '! grep -q " -e post " "$CROOT/log" && grep -q "^note $(args sacc-4q notify start none "$U4")" "$CROOT/log"'
: >"$CROOT/log"
ctool start -u "$U4" --force >"$tmp/co-force.out" 2>&1
rc=$?
host_check "callouts: --force starts it anyway with a warning, and post and notify say success (status $rc)" \
	eval '[ $rc -eq 0 ] && [ "$(created sacc-4q)" = "$U4" ] && grep -q "warning: start of device $U4 forced despite the callout" "$tmp/co-force.out" && grep -q "^veto $(args sacc-4q post start success "$U4")" "$CROOT/log" && grep -q "^note $(args sacc-4q notify start success "$U4")" "$CROOT/log"'
# The other operations are refused the same way, and --force passes them.
ctool stop -u "$U1" >>"$tmp/co-veto.out" 2>&1
rc1=$?
ctool undefine -u "$U1" >>"$tmp/co-veto.out" 2>&1
rc2=$?
ctool modify -u "$U1" --manual >>"$tmp/co-veto.out" 2>&1
rc3=$?
ctool define -u "$U2" -p sacc0 >>"$tmp/co-veto.out" 2>&1
rc4=$?
host_check "callouts: stop, undefine, modify and define are refused too ($rc1 $rc2 $rc3 $rc4), changing nothing" \
	eval '[ "$rc1$rc2$rc3$rc4" = 1111 ] && [ ! -s "$CROOT/sys/class/mdev_bus/sacc0/$U1/remove" ] && grep -q "\"start\": \"auto\"" "$CROOT/etc/mdevctl.d/sacc0/$U1" && [ ! -e "$CROOT/etc/mdevctl.d/sacc0/$U2" ]'
ctool stop -u "$U1" -f 2>/dev/null && ctool modify -u "$U1" --manual --force 2>/dev/null &&
	ctool undefine -u "$U1" --force 2>/dev/null
rc=$?
host_check "callouts: with --force stop, modify and undefine go through (status $rc)" \
	eval '[ $rc -eq 0 ] && [ "$(cat "$CROOT/sys/class/mdev_bus/sacc0/$U1/remove")" = 1 ] && [ ! -e "$CROOT/etc/mdevctl.d/sacc0/$U1" ]'

# 3. Which script handles the device: the first not exiting 2, /usr/lib's before /etc's.
callout_tree skip
script "$ETC/callouts" 10-other 'exit 2'
script "$ETC/callouts" 20-veto 'case "$event" in get) exit 2;; esac; exit 1'
script "$ETC/callouts" 30-ok 'exit 0'
ctool start -u "$U4" 2>/dev/null
rc=$?
host_check "callouts: a script exiting 2 passes the device on; the next one (exit 1) refuses, the one after is never asked (status $rc)" \
	eval '[ $rc -eq 1 ] && grep -q "^10-other .* -e pre " "$CROOT/log" && ! grep -q "^30-ok .* -e pre " "$CROOT/log"'
script "$LIB/callouts" 50-lib 'case "$event" in get) exit 2;; esac; exit 0'
: >"$CROOT/log"
ctool start -u "$U4" 2>/dev/null
rc=$?
host_check "callouts: /usr/lib/mdevctl/scripts.d/callouts comes first: its script (exit 0) handles it and /etc's are not asked (status $rc)" \
	eval '[ $rc -eq 0 ] && grep -q "^50-lib .* -e post .* -s success " "$CROOT/log" && ! grep -q "^[123]0-.* -e pre " "$CROOT/log"'

# 4. A versioned script handles its device alone, and fails what it does not list.
callout_tree versioned
script "$ETC/callouts" 10-old 'exit 1'
script "$ETC/callouts" 90-sacc "[ \"\$type\" = sacc-4q ] || exit 2
[ \"\$event \$action\" = 'get capabilities' ] && $(supports '"start", "stop", "define", "undefine", "attributes", "capabilities"' '"pre", "post", "notify", "get"')
exit 0"
ctool start -u "$U4" 2>"$tmp/co-ver.err"
rc=$?
host_check "callouts: a versioned script (90-sacc) handles start alone: 10-old, first in name order and refusing everything, gets only the probe (status $rc)" \
	eval '[ $rc -eq 0 ] && grep -q "^90-sacc .* -e post -a start " "$CROOT/log" && ! grep -q "^10-old .* -e pre " "$CROOT/log"'
ctool modify -u "$U4" --auto >"$tmp/co-ver.out" 2>&1
rc=$?
host_check "callouts: modify is refused when the versioned script does not list it (status $rc)" \
	eval '[ $rc -eq 1 ] && grep -q "callout script $CROOT/$ETC/callouts/90-sacc (version 2) does not support the pre event of action modify" "$tmp/co-ver.out"'

# 5. modify --live: the live event of a versioned script that lists it.
callout_tree live
script "$LIB/callouts" sacc "[ \"\$type\" = sacc-1q ] || exit 2
[ \"\$event \$action\" = 'get capabilities' ] && $(supports "$ALL_ACTIONS" "$ALL_EVENTS")
exit 0"
script "$ETC/notifiers" note ''
printf '{"mdev_type": "sacc-1q", "start": "auto", "attrs": [{"weight": "7"}]}' >"$CROOT/w7.json"
def_before="$(cat "$CROOT/etc/mdevctl.d/sacc0/$U1")"
ctool modify -u "$U1" --live --jsonfile "$CROOT/w7.json" 2>&1
rc=$?
J1='{"mdev_type":"sacc-1q","start":"auto","attrs":[{"weight":"7"}]}'
host_check "callouts: modify --live gives the JSON to the live event of the versioned script, then the notifier; the definition stays (status $rc)" \
	eval '[ $rc -eq 0 ] && grep -qxF "sacc $(args sacc-1q live modify none "$U1") <$J1>" "$CROOT/log" && grep -qxF "note $(args sacc-1q notify modify none "$U1") <$J1>" "$CROOT/log" && [ "$(cat "$CROOT/etc/mdevctl.d/sacc0/$U1")" = "$def_before" ]'
: >"$CROOT/log"
ctool modify -u "$U1" --live --defined --jsonfile "$CROOT/w7.json" 2>&1
rc=$?
host_check "callouts: modify --live --defined runs the live event, then the modify callouts, and rewrites the definition (status $rc)" \
	eval '[ $rc -eq 0 ] && [ "$(grep -o -- "-e [a-z]* -a [a-z]*" "$CROOT/log" | tr "\n" ,)" = "-e get -a capabilities,-e live -a modify,-e notify -a modify,-e pre -a modify,-e post -a modify,-e notify -a modify," ] && grep -q "\"weight\": \"7\"" "$CROOT/etc/mdevctl.d/sacc0/$U1"'
script "$LIB/callouts" sacc "[ \"\$type\" = sacc-1q ] || exit 2
[ \"\$event \$action\" = 'get capabilities' ] && $(supports "$ALL_ACTIONS" '"pre", "post", "notify", "get"')
exit 0"
ctool modify -u "$U1" --live --jsonfile "$CROOT/w7.json" >"$tmp/co-nolive.out" 2>&1
rc=$?
host_check "callouts: modify --live exits 1 when the versioned script does not list the live event (status $rc)" \
	eval '[ $rc -eq 1 ] && grep -q "does not support the live event of action modify" "$tmp/co-nolive.out"'

# 6. Attributes reported by a callout: list shows them for active devices, and define
#    of an active device writes them.
callout_tree attrs
script "$ETC/callouts" sacc '[ "$type" = sacc-2q ] || exit 2
[ "$event $action" = "get attributes" ] && echo "[{\"weight\": \"4\"}]"
exit 0'
ctool list -v -u "$U2" >"$tmp/co-list.out" 2>&1
host_check "callouts: list -v shows the attributes the get/attributes callout reports" \
	test "$(cat "$tmp/co-list.out")" = "$U2 sacc0 sacc-2q manual
  Attrs:
    @{0}: {\"weight\":\"4\"}"
ctool define -u "$U2" 2>&1
rc=$?
host_check "callouts: define -u of an active device writes the attributes its callout reports (status $rc)" \
	eval '[ $rc -eq 0 ] && grep -q "\"weight\": \"4\"" "$CROOT/etc/mdevctl.d/sacc0/$U2"'
# Not JSON at all, JSON with text after the array (mdevctl's parser refuses both),
# and an array whose second attribute is not a string: none of its attributes show.
for bad in 'not json' '[{"weight": "4"}] junk' '[{"weight": "4"}, {"queues": 2}]'; do
	script "$ETC/callouts" sacc "[ \"\$type\" = sacc-2q ] || exit 2
[ \"\$event \$action\" = 'get attributes' ] && echo '$bad'
exit 0"
	ctool list -u "$U2" --dumpjson >"$tmp/co-bad.out" 2>"$tmp/co-bad.err"
	rc=$?
	host_check "callouts: attributes '$bad' are not valid: list warns and lists the device without any of them (status $rc)" \
		eval '[ $rc -eq 0 ] && grep -q "\"attrs\": \[\]" "$tmp/co-bad.out" && grep -q "warning: listing device $U2 without the attributes of its callout: .*callout script .*/sacc printed" "$tmp/co-bad.err"'
done

# 7. --jsonfile /dev/stdin where /dev/stdin cannot be opened: standard input is a
#    socket (open() of /proc/self/fd/0 fails with ENXIO), and a root without /dev.
callout_tree stdin
json='{"mdev_type": "sacc-2q", "start": "auto", "attrs": [{"x": "1"}]}'
python3 - "$json" env MDEVCTL_ENV_ROOT="$CROOT" "$tool" define -u "$U4" -p mtty --jsonfile /dev/stdin \
	>"$tmp/co-sock.out" 2>&1 <<'PY'
import socket, subprocess, sys
a, b = socket.socketpair()
b.sendall(sys.argv[1].encode())
b.shutdown(socket.SHUT_WR)
sys.exit(subprocess.call(sys.argv[2:], stdin=a))
PY
rc=$?
host_check "stdin: define --jsonfile /dev/stdin with a socket on stdin reads it (status $rc)" \
	eval '[ $rc -eq 0 ] && grep -q "\"x\": \"1\"" "$CROOT/etc/mdevctl.d/mtty/$U4"'
if unshare -m true 2>/dev/null; then
	unshare -m sh -c 'mount -t tmpfs none /dev && [ ! -e /dev/stdin ] && exec "$@"' sh \
		env MDEVCTL_ENV_ROOT="$CROOT" "$tool" modify -u "$U4" -p mtty --jsonfile /dev/stdin \
		<<<'{"mdev_type": "mtty-2", "start": "manual"}' >"$tmp/co-nodev.out" 2>&1
	rc=$?
	host_check "stdin: modify --jsonfile /dev/stdin in a mount namespace without /dev reads descriptor 0 (status $rc)" \
		eval '[ $rc -eq 0 ] && grep -q "\"mdev_type\": \"mtty-2\"" "$CROOT/etc/mdevctl.d/mtty/$U4"'
else
	host_check "stdin: modify --jsonfile /dev/stdin without /dev (unshare -m is not permitted here: the socket case above covers the fallback)" true
fi
ctool modify -u "$U4" -p mtty --jsonfile - <<<'{"mdev_type": "mtty-1", "start": "manual"}'
host_check "stdin: --jsonfile - reads standard input" \
	grep -q '"mdev_type": "mtty-1"' "$CROOT/etc/mdevctl.d/mtty/$U4"
