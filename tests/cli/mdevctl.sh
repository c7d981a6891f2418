#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# VM suite for mdevctl-lite against real parents: sacc.ko (loaded by guest.sh with its
# defaults: parent sacc0, 8 queues; sacc-1q/2q/4q), sacc's PCI parent (the VM's edu
# function, the same capacity; its own section) and the kernel's mtty sample, an
# independent parent driver (loaded here: the module, or $SACC_MTTY_KO that run.sh
# builds for kernels without it; its tests SKIP if neither loads).
# Prints TAP on stdout; the tool's messages go to stderr (the suite's log).
#
# It changes /etc/mdevctl.d and creates devices, so it runs only inside the test
# guest (whose /etc is a throw-away overlay).
set -uo pipefail
if [ -z "${SACC_KERNEL:-}" ] || [ "$$" -eq 1 ] || [ ! -d /sys/class/mdev_bus/sacc0 ]; then
	echo "1..1"
	echo "not ok 1 mdevctl: run inside the test guest with sacc.ko loaded (see tests/vm/guest.sh)"
	exit 1
fi
tool="$SACC_SUITE_BIN/mdevctl-lite-build/mdevctl-lite"
scripts="$SACC_REPO/mdevctl-lite/scripts"
export MDEVCTL_LITE="$tool"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=99
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=98
tmp="$(mktemp -d)"
. "$SACC_REPO/tests/lib/tap.sh"
. "$SACC_REPO/tests/lib/pci_parent.sh"
trap 'rm -rf "$tmp"; tap_ended_early' EXIT

# run ARGS...: the tool, stdout into $out, stderr into $err (also to the log), status in $rc.
run() {
	"$tool" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	out="$(cat "$tmp/out")" err="$(cat "$tmp/err")"
	{ echo "\$ mdevctl-lite $*  [exit $rc]"; cat "$tmp/out" "$tmp/err"; } >&2
}
avail() { cat "/sys/class/mdev_bus/$1/mdev_supported_types/$2/available_instances"; }
active() { [ -e "/sys/bus/mdev/devices/$1" ]; }
count_active() { "$tool" list -p "$1" | wc -l; }
is_uuid() { [[ "$1" =~ ^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$ ]]; }
new_uuid() { cat /proc/sys/kernel/random/uuid; }
has() { grep -qF -- "$2" <<<"$1"; }
# all_exist FILE: every sysfsdev= path that FILE's QEMU arguments name exists.
all_exist() {
	local s
	for s in $(sed 's|.*sysfsdev=||' "$1"); do [ -e "$s" ] || return 1; done
}

# liar_root TYPE: a root for MDEVCTL_ENV_ROOT in which sacc0's TYPE claims one
# available instance and no device is active, but whose create file is the real one:
# the tool's checks pass and the kernel's own answer comes back.
liar_root() {
	local t="$tmp/liar-$1/sys/class/mdev_bus/sacc0/mdev_supported_types/$1"
	mkdir -p "$t" "$tmp/liar-$1/sys/bus/mdev/devices"
	echo 1 >"$t/available_instances"
	ln -sf "/sys/class/mdev_bus/sacc0/mdev_supported_types/$1/create" "$t/create"
	echo "$tmp/liar-$1"
}

rm -rf /etc/mdevctl.d

# --- types -------------------------------------------------------------------------
run types -p sacc0
t "types lists sacc0's types with their available instances" \
	has "$out" "$(printf 'sacc0\n  sacc-1q\n    Available instances: 8\n    Device API: vfio-pci')"
run types --dumpjson
t "types --dumpjson gives sacc-4q's available_instances as a number" \
	has "$out" '"available_instances": 2,'

# --- start, list, stop -------------------------------------------------------------
run start -p sacc0 -t sacc-1q
u="$out"
t "start -p sacc0 -t sacc-1q prints the generated UUID" is_uuid "$u"
t "the started device exists in sysfs" active "$u"
t "available_instances of sacc-1q drops to 7" test "$(avail sacc0 sacc-1q)" = 7
run list
t "list shows the device as '<uuid> sacc0 sacc-1q manual'" test "$out" = "$u sacc0 sacc-1q manual"
run list -u "$u" --dumpjson
t "list -u --dumpjson prints its definition object" \
	test "$out" = "$(printf '{\n  "mdev_type": "sacc-1q",\n  "start": "manual",\n  "attrs": []\n}')"
run stop -u "$u"
t "stop removes the device" eval '[ $rc -eq 0 ] && ! active "$u"'
t "available_instances of sacc-1q is back at 8" test "$(avail sacc0 sacc-1q)" = 8
run stop -u "$u"
t "stop of a removed device exits 1 saying it is not active" \
	eval '[ $rc -eq 1 ] && has "$err" "device $u is not active"'
u="$(new_uuid)"
run create -p sacc0 -t sacc-2q -u "$u"
t "create (alias) with -u starts that UUID and prints nothing" eval '[ $rc -eq 0 ] && [ -z "$out" ] && active "$u"'
run remove -u "$u"
t "remove (alias) removes it" eval '[ $rc -eq 0 ] && ! active "$u"'

# --- errors that help --------------------------------------------------------------
run start -p SACC0 -t sacc-1q
t "a parent in the wrong case gets a suggestion" has "$err" "parent 'SACC0' not found; did you mean 'sacc0'?"
run start -p sacc0 -t sacc-3q
t "an unknown type lists the valid ones" has "$err" "its types are: sacc-1q, sacc-2q, sacc-4q"

# --- duplicate UUID ----------------------------------------------------------------
u="$(new_uuid)"
run start -p sacc0 -t sacc-1q -u "$u"
run start -p sacc0 -t sacc-1q -u "$u"
t "starting an active UUID again exits 1: already active" \
	eval '[ $rc -eq 1 ] && has "$err" "device $u is already active on parent sacc0"'
run start -p sacc0 -t sacc-2q -u "$u"
t "the same UUID with another type names the existing one" \
	has "$err" "device $u already exists on parent sacc0 with type sacc-1q"
MDEVCTL_ENV_ROOT="$(liar_root sacc-1q)" run start -p sacc0 -t sacc-1q -u "$u"
t "the kernel's EEXIST is translated: the UUID is in use" \
	eval '[ $rc -eq 1 ] && has "$err" "cannot create device $u on parent sacc0: a device with this UUID already exists"'
"$tool" stop -u "$u"
# Several starts of one UUID at once: the kernel's EEXIST is translated for the losers
# that passed the check before the winner created it.
u="$(new_uuid)"
for i in 1 2 3 4; do "$tool" start -p sacc0 -t sacc-1q -u "$u" 2>"$tmp/dup$i" & done
wins=0
for p in $(jobs -p); do wait "$p" && wins=$((wins + 1)); done
t "4 concurrent starts of one UUID: exactly one succeeds ($wins did)" test "$wins" -eq 1
kernel_said="$(cat "$tmp"/dup* | grep -c "a device with this UUID already exists")"
t "each loser says the UUID is taken ($kernel_said through the kernel's EEXIST)" \
	test "$(cat "$tmp"/dup* | grep -cE "device $u is already active|cannot create device $u on parent sacc0: a device with this UUID already exists")" -eq 3
"$tool" stop -u "$u"

# --- capacity exhaustion -----------------------------------------------------------
a="$(new_uuid)" b="$(new_uuid)"
"$tool" start -p sacc0 -t sacc-4q -u "$a" && "$tool" start -p sacc0 -t sacc-4q -u "$b"
t "two sacc-4q fill the budget" test "$(avail sacc0 sacc-4q)" = 0
run start -p sacc0 -t sacc-4q
t "a third sacc-4q exits 1: no instances of sacc-4q left on sacc0" \
	eval '[ $rc -eq 1 ] && has "$err" "no instances of type sacc-4q left on parent sacc0"'
# The kernel's own refusal (ENOSPC from sacc's budget), past the tool's check.
MDEVCTL_ENV_ROOT="$(liar_root sacc-4q)" run start -p sacc0 -t sacc-4q
t "the kernel's ENOSPC is translated: no instances left (the kernel said: No space left)" \
	eval '[ $rc -eq 1 ] && has "$err" "no instances of type sacc-4q left on parent sacc0 (the kernel said: No space left on device)"'
"$tool" stop -u "$a"; "$tool" stop -u "$b"
t "the budget is whole again" test "$(avail sacc0 sacc-1q)" = 8

# --- definitions and auto-start ----------------------------------------------------
d1="$(new_uuid)" d2="$(new_uuid)" d3="$(new_uuid)"
run define -p sacc0 -t sacc-2q -u "$d1" --auto
t "define --auto writes /etc/mdevctl.d/sacc0/<uuid>" \
	test "$(cat "/etc/mdevctl.d/sacc0/$d1")" = "$(printf '{\n  "mdev_type": "sacc-2q",\n  "start": "auto",\n  "attrs": []\n}')"
run define -p sacc0 -t sacc-1q -u "$d2"
run define -p sacc0 -t sacc-1q -u "$d3" --auto
run modify -u "$d3" --addattr no_such_attribute --value 1
run list -d
t "list -d shows the three definitions" test "$(wc -l <<<"$out")" -eq 3
before="$(avail sacc0 sacc-1q)"
run start -u "$d3"
t "a start whose attribute cannot be written fails and names the attribute" \
	eval '[ $rc -eq 1 ] && has "$err" "cannot set attribute no_such_attribute=1 of device $d3: the device has no such attribute; the device was removed again"'
t "... and leaves no device behind" eval '! active "$d3" && [ "$(avail sacc0 sacc-1q)" = "$before" ]'
run modify -u "$d3" --delattr
run start-parent-mdevs sacc0
t "start-parent-mdevs starts the auto definitions" eval '[ $rc -eq 0 ] && active "$d1" && active "$d3"'
t "... and not the manual one" eval '! active "$d2"'
run start-parent-mdevs sacc0
t "start-parent-mdevs again is a no-op" eval '[ $rc -eq 0 ] && [ "$(count_active sacc0)" -eq 2 ]'
run list -u "$d1"
t "list marks an active defined device '(defined)'" test "$out" = "$d1 sacc0 sacc-2q auto (defined)"
run start -u "$d2"
t "start -u of a definition starts it with the defined type" \
	eval '[ $rc -eq 0 ] && [ "$(basename "$(readlink -f /sys/bus/mdev/devices/$d2/mdev_type)")" = sacc-1q ]'
for d in "$d1" "$d2" "$d3"; do "$tool" stop -u "$d"; "$tool" undefine -u "$d"; done
t "stop and undefine leave no device and no definition" \
	eval '[ "$(count_active sacc0)" -eq 0 ] && [ -z "$(ls /etc/mdevctl.d/sacc0)" ]'

# --- the PCI parent ----------------------------------------------------------------
# The same tool on sacc's PCI parent (the VM's edu function), named by its address as
# libvirt, Nova and Proxmox name parents.
if pci="$(edu_parent)"; then
	run types -p "$pci"
	t "types -p $pci lists the PCI parent's types with their available instances" \
		has "$out" "$(printf '%s\n  sacc-1q\n    Available instances: 8\n    Device API: vfio-pci' "$pci")"
	run start -p "$pci" -t sacc-2q
	u="$out"
	t "start -p $pci -t sacc-2q creates the device under the PCI function" \
		test -d "/sys/bus/pci/devices/$pci/$u"
	run list
	t "list shows it as '<uuid> $pci sacc-2q manual'" test "$out" = "$u $pci sacc-2q manual"
	run stop -u "$u"
	t "stop removes it and gives the PCI parent its capacity back" \
		eval '[ $rc -eq 0 ] && ! active "$u" && [ "$(avail "$pci" sacc-2q)" = 4 ]'
	d1="$(new_uuid)"
	run define -p "$pci" -t sacc-1q -u "$d1" --auto
	t "define --auto on the PCI parent writes /etc/mdevctl.d/$pci/<uuid>" \
		test -s "/etc/mdevctl.d/$pci/$d1"
	run start-parent-mdevs "$pci"
	t "start-parent-mdevs $pci starts its auto definition" eval '[ $rc -eq 0 ] && active "$d1"'
	"$tool" stop -u "$d1"
	"$tool" undefine -u "$d1"
	t "stop and undefine leave the PCI parent no device and no definition" \
		eval '[ "$(count_active "$pci")" -eq 0 ] && [ ! -e "/etc/mdevctl.d/$pci/$d1" ]'
else
	nok "the VM's edu function is bound to sacc's PCI driver (the PCI parent)"
fi

# --- admin scripts -----------------------------------------------------------------
"$scripts/mdev-provision" --dry-run sacc0 sacc-1q 3 >"$tmp/dry"
t "mdev-provision --dry-run prints 3 VMs' arguments and creates nothing" \
	eval '[ "$(grep -c "^vm[123] -device vfio-pci,sysfsdev=/sys/bus/mdev/devices/" "$tmp/dry")" -eq 3 ] && [ "$(count_active sacc0)" -eq 0 ]'
"$scripts/mdev-provision" sacc0 sacc-1q 3 >"$tmp/p1"
t "mdev-provision creates the 3 instances it printed" \
	eval 'cmp -s "$tmp/dry" "$tmp/p1" && [ "$(count_active sacc0)" -eq 3 ] && all_exist "$tmp/p1"'
"$scripts/mdev-provision" sacc0 sacc-1q 4 >"$tmp/p2"
t "mdev-provision again for 4 VMs keeps the 3 and adds one" \
	eval '[ "$(head -3 "$tmp/p2")" = "$(cat "$tmp/p1")" ] && [ "$(count_active sacc0)" -eq 4 ]'
"$scripts/mdev-provision" sacc0 sacc-2q 4 >"$tmp/p3" 2>"$tmp/p3.err"
rc=$?
t "mdev-provision beyond capacity stops with status 1 and says why" \
	eval '[ $rc -eq 1 ] && grep -q "no instances of type sacc-2q left on parent sacc0" "$tmp/p3.err"'
"$scripts/mdev-destroy-parent" sacc0 >&2
rc=$?
t "mdev-destroy-parent removes every instance of sacc0" eval '[ $rc -eq 0 ] && [ "$(count_active sacc0)" -eq 0 ]'
"$scripts/mdev-destroy-parent" sacc0 >&2
t "mdev-destroy-parent again succeeds with nothing to do" test $? -eq 0

# --- concurrent create/remove ------------------------------------------------------
# 10 processes start a sacc-1q at once (8 fit), then the winners stop theirs at once.
for i in $(seq 1 10); do
	"$tool" start -p sacc0 -t sacc-1q >"$tmp/c$i.out" 2>"$tmp/c$i.err" &
done
wait
started="$(cat "$tmp"/c*.out | grep -c .)"
t "10 concurrent starts of sacc-1q: 8 succeed ($started did)" test "$started" -eq 8
t "the 2 others fail saying no instance is left" \
	test "$(cat "$tmp"/c*.err | grep -c "no instances of type sacc-1q left on parent sacc0")" -eq 2
t "list shows exactly the 8 started devices" \
	test "$("$tool" list -p sacc0 | cut -d' ' -f1 | sort)" = "$(cat "$tmp"/c*.out | sort)"
for u in $(cat "$tmp"/c*.out); do "$tool" stop -u "$u" & done
fails=0
for p in $(jobs -p); do wait "$p" || fails=$((fails + 1)); done
t "8 concurrent stops all succeed ($fails failed)" test "$fails" -eq 0
t "no device is left and the budget is whole" \
	eval '[ "$(count_active sacc0)" -eq 0 ] && [ "$(avail sacc0 sacc-1q)" = 8 ] && [ -z "$(ls /sys/bus/mdev/devices)" ]'

# --- callouts, live changes, /dev/stdin, the mdevctl names ----------------------------
# A vendor's callout script where mdevctl 1.2 and 1.4 look (the guest's /etc is an
# overlay; /usr comes read-only from the host): versioned, with the live event, for
# sacc-2q, reporting an attribute; it refuses to start sacc-4q; sacc-1q is not its
# type (exit 2). It and a notifier log "<name> <event> <action> <state> <stdin>".
# Only the suite's own two files are removed afterwards (and the directories if that
# empties them), at the end or from the EXIT trap: scripts.d may hold the host's.
cdir=/etc/mdevctl.d/scripts.d
co_files=("$cdir/callouts/50-sacc" "$cdir/notifiers/log")
remove_co_files() {
	rm -f "${co_files[@]}"
	rmdir "$cdir/callouts" "$cdir/notifiers" "$cdir" 2>/dev/null || true
}
trap 'remove_co_files; rm -rf "$tmp"; tap_ended_early' EXIT
mkdir -p "$cdir/callouts" "$cdir/notifiers"
cat >"$cdir/callouts/50-sacc" <<EOF
#!/bin/sh
type=\$2 event=\$4 action=\$6 state=\$8
echo "callout \$event \$action \$state \$(cat)" >>"$tmp/co.log"
case "\$type \$event \$action" in
"sacc-1q "*) exit 2 ;;
"sacc-2q get capabilities") echo '{"supports": {"version": 2, "actions": ["start", "stop", "define", "undefine", "modify", "attributes", "capabilities"], "events": ["pre", "post", "notify", "get", "live"]}}' ;;
"sacc-2q get attributes") echo '[{"weight": "2"}]' ;;
"sacc-4q pre start") echo "sacc-4q is reserved" >&2; exit 1 ;;
esac
exit 0
EOF
printf '#!/bin/sh\necho "notifier $4 $6 $8 $(cat)" >>"%s"\n' "$tmp/co.log" >"$cdir/notifiers/log"
chmod +x "$cdir/callouts/50-sacc" "$cdir/notifiers/log"
j2='{"mdev_type":"sacc-2q","start":"manual","attrs":[]}'
run start -p sacc0 -t sacc-2q
u="$out"
t "callouts: start of sacc-2q runs get/capabilities, pre, post and the notifier with the JSON, in order" \
	test "$(active "$u" && sed 's/ {"provides".*//' "$tmp/co.log")" = "$(printf '%s\n' \
		"callout get capabilities none" "callout pre start none $j2" \
		"callout post start success $j2" "notifier notify start success $j2")"
run list -v -u "$u"
t "callouts: list -v shows the attribute the callout reports for the running device" \
	has "$out" '@{0}: {"weight":"2"}'
: >"$tmp/co.log"
# libvirt's way, in a mount namespace without /dev (so without /dev/stdin).
unshare -m sh -c 'mount -t tmpfs none /dev && [ ! -e /dev/stdin ] && exec "$@"' sh \
	"$tool" modify -u "$u" --live --jsonfile /dev/stdin \
	<<<'{"mdev_type": "sacc-2q", "start": "manual", "attrs": [{"weight": "3"}]}' >&2
rc=$?
t "callouts: modify --live --jsonfile /dev/stdin (no /dev) reaches the live event with the new attributes (status $rc)" \
	eval '[ $rc -eq 0 ] && grep -qxF "callout live modify none {\"mdev_type\":\"sacc-2q\",\"start\":\"manual\",\"attrs\":[{\"weight\":\"3\"}]}" "$tmp/co.log"'
run modify --defined --live --jsonfile b --help
t "libvirt 11's probe 'modify --defined --live --jsonfile b --help' exits 0" test "$rc" -eq 0
# shellcheck disable=SC2034 # read in the eval below
before="$(avail sacc0 sacc-4q)"
run start -p sacc0 -t sacc-4q
t "callouts: the refusing pre callout stops start of sacc-4q: exit 1, named, nothing created" \
	eval '[ $rc -eq 1 ] && has "$err" "refused: callout script $cdir/callouts/50-sacc exited with status 1" && has "$err" "50-sacc: sacc-4q is reserved" && [ "$(avail sacc0 sacc-4q)" = "$before" ]'
run start -p sacc0 -t sacc-4q --force
u4="$out"
t "callouts: --force starts it despite the refusal" eval '[ $rc -eq 0 ] && active "$u4"'
run start -p sacc0 -t sacc-1q
u1="$out"
run modify -u "$u1" --live --jsonfile - <<<'{"mdev_type": "sacc-1q", "start": "manual"}'
t "callouts: modify --live of a type no versioned callout handles exits 1" \
	eval '[ $rc -eq 1 ] && has "$err" "cannot change device $u1 live: no callout script"'
# The names make install adds: lsmdev is list.
ln -s "$tool" "$tmp/lsmdev"
t "lsmdev (a link to the tool) lists what list does" \
	test "$("$tmp/lsmdev" -p sacc0)" = "$("$tool" list -p sacc0)"
for d in "$u" "$u4" "$u1"; do "$tool" stop -u "$d"; done
remove_co_files

# --- mtty, an independent parent driver ---------------------------------------------
# Define an auto-start device before mtty exists, as after a reboot.
m1="$(new_uuid)"
"$tool" define -p mtty -t mtty-1 -u "$m1" --auto
mtty_ko="${SACC_MTTY_KO:-}"
# Record the kernel's uevents while mtty loads (there is no udevd in the guest): a
# netlink listener that stops at the first MDEV_STATE=registered or after 20 s.
python3 - "$tmp/uevents" <<'PY' &
import socket, sys, time
s = socket.socket(socket.AF_NETLINK, socket.SOCK_DGRAM, 15)  # NETLINK_KOBJECT_UEVENT
s.bind((0, 1))
s.settimeout(1.0)
open(sys.argv[1] + ".ready", "w").close()
end = time.time() + 20
with open(sys.argv[1], "w") as out:
    while time.time() < end:
        try:
            msg = s.recv(65536)
        except socket.timeout:
            continue
        out.write("\n".join(f.decode(errors="replace") for f in msg.split(b"\0") if f) + "\n\n")
        out.flush()
        if b"\0MDEV_STATE=registered" in msg:
            break
PY
listener=$!
for i in $(seq 1 50); do [ -e "$tmp/uevents.ready" ] && break; sleep 0.1; done
if [ -n "$mtty_ko" ]; then
	insmod "$mtty_ko"
else
	modprobe mtty
fi
loaded=$?
wait "$listener"
if [ "$loaded" -ne 0 ] || [ ! -d /sys/class/mdev_bus/mtty ]; then
	why="this kernel has no mtty module (modinfo mtty: $(modinfo mtty 2>&1 | head -1))"
	for name in "mtty's registration uevent carries MDEV_STATE=registered" \
		"the udev rule's command for that uevent starts mtty's auto definition" \
		"types lists mtty's types" "start/list/stop on mtty" \
		"mtty capacity exhaustion is reported" \
		"concurrent create/remove on mtty leaves a consistent state"; do
		skip "$name" "$why"
	done
else
	# The uevent (blank-line separated KEY=VALUE blocks) that registered the parent.
	event="$(awk -v RS= '/\nMDEV_STATE=registered(\n|$)/' "$tmp/uevents")"
	kname="$(sed -n 's|^DEVPATH=.*/||p' <<<"$event")"
	t "mtty's registration uevent carries MDEV_STATE=registered" \
		eval 'grep -qx "ACTION=change" <<<"$event" && [ "$kname" = mtty ]'
	# Do what udev does with the rule as installed (binary path filled in): the rule
	# matches that event when /etc/mdevctl.d/<parent> exists, and runs its command.
	rule="$(sed "s|@BINDIR@|${tool%/*}|" "$SACC_REPO/mdevctl-lite/60-mdevctl-lite.rules.in" | grep -v '^#')"
	cmd="$(sed -n 's/.*RUN+="\([^"]*\)".*/\1/p' <<<"$rule")"
	cmd="${cmd//\$kernel/$kname}"
	echo "udev rule: $rule; command: $cmd" >&2
	t "the udev rule's command for that uevent starts mtty's auto definition" \
		eval 'grep -qF "ENV{MDEV_STATE}==\"registered\"" <<<"$rule" && [ -d "/etc/mdevctl.d/$kname" ] && sh -c "$cmd" >&2 && active "$m1"'
	"$tool" stop -u "$m1"
	run types -p mtty
	t "types lists mtty's types" eval 'has "$out" "  mtty-1" && has "$out" "  mtty-2"'
	run start -p mtty -t mtty-2
	u="$out"
	run list -p mtty
	l="$out"
	run stop -u "$u"
	t "start/list/stop on mtty" eval '[ "$l" = "$u mtty mtty-2 manual" ] && [ $rc -eq 0 ] && ! active "$u"'
	total="$(avail mtty mtty-2)"
	for i in $(seq 1 "$total"); do "$tool" start -p mtty -t mtty-2 >>"$tmp/mtty.uuids"; done
	run start -p mtty -t mtty-2
	t "mtty capacity exhaustion is reported ($total mtty-2 fit)" \
		eval '[ $rc -eq 1 ] && has "$err" "no instances of type mtty-2 left on parent mtty" && [ "$(wc -l <"$tmp/mtty.uuids")" -eq "$total" ]'
	for u in $(cat "$tmp/mtty.uuids"); do "$tool" stop -u "$u" & done
	for i in $(seq 1 6); do "$tool" start -p mtty -t mtty-1 >>"$tmp/mtty2.uuids" & done
	wait
	t "concurrent create/remove on mtty leaves a consistent state" \
		test "$("$tool" list -p mtty | cut -d' ' -f1 | sort)" = "$(sort "$tmp/mtty2.uuids")"
	for u in $(cat "$tmp/mtty2.uuids"); do "$tool" stop -u "$u"; done
	rmmod mtty
fi

tap_plan
