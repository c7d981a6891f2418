# SPDX-License-Identifier: GPL-2.0
# More callout rules, sourced by run.sh after callouts.sh (whose helpers it uses):
# a callout that runs mdevctl-lite itself while the definitions lock is held, a
# refusal that must hold however the tool was started, what a script must print.

U5=11111111-0000-1000-8000-000000000005

# 8. A notifier that changes another definition through mdevctl-lite: the nested
#    tool shares the lock of the one running it instead of waiting for it forever.
callout_tree nested
script "$ETC/notifiers" 10-nest "[ \"\$uuid\" = $U4 ] || exit 0
MDEVCTL_ENV_ROOT=\"\$MDEVCTL_ENV_ROOT\" $tool modify -u $U5 --manual
echo \"nested \$?\" >>\"\$MDEVCTL_ENV_ROOT/log\""
timeout 20 env MDEVCTL_ENV_ROOT="$CROOT" "$tool" modify -u "$U4" --auto >"$tmp/co-nest.out" 2>&1
rc=$?
host_check "callouts: a notifier of modify that runs mdevctl-lite modify on another device completes, and both changes are made (status $rc)" \
	eval '[ $rc -eq 0 ] && grep -qx "nested 0" "$CROOT/log" && grep -q "\"start\": \"auto\"" "$CROOT/etc/mdevctl.d/sacc0/$U4" && grep -q "\"start\": \"manual\"" "$CROOT/etc/mdevctl.d/sacc0/$U5"'
# A descriptor number in the variable that is not the lock is ignored.
MDEVCTL_LITE_LOCK_FD=0 timeout 20 env MDEVCTL_ENV_ROOT="$CROOT" "$tool" modify -u "$U5" --auto </dev/null >"$tmp/co-nest2.out" 2>&1
rc=$?
host_check "callouts: MDEVCTL_LITE_LOCK_FD naming a descriptor that is not the lock is ignored (status $rc)" \
	eval '[ $rc -eq 0 ] && grep -q "\"start\": \"auto\"" "$CROOT/etc/mdevctl.d/sacc0/$U5"'

# 9. A refusal holds with SIGCHLD ignored (inherited across exec: the kernel would
#    reap the script before its status is read) and a script that cannot be waited
#    for is a failure, not a file to pass over.
callout_tree sigchld
script "$ETC/callouts" veto 'case "$event" in get) exit 2;; pre) exit 1;; esac'
python3 -c 'import signal, os, sys
signal.signal(signal.SIGCHLD, signal.SIG_IGN)
os.execvp(sys.argv[1], sys.argv[1:])' env MDEVCTL_ENV_ROOT="$CROOT" "$tool" start -u "$U4" \
	>"$tmp/co-sigchld.out" 2>&1
rc=$?
host_check "callouts: with SIGCHLD ignored a pre callout exiting 1 still refuses start (status $rc)" \
	eval '[ $rc -eq 1 ] && [ -z "$(created sacc-4q)" ] && grep -q "start of device $U4 refused: callout script .*/veto exited with status 1" "$tmp/co-sigchld.out"'
# Another failure after the script was found: its standard input cannot be written
# (a 1 KiB file size limit, SIGXFSZ ignored, and a definition of over 1 KiB).
attrs="$(for i in $(seq 100 199); do printf '{"a%s": "v"},' "$i"; done)"
printf '{"mdev_type": "sacc-4q", "start": "manual", "attrs": [%s]}' "${attrs%,}" >"$CROOT/many.json"
ctool modify -u "$U4" --jsonfile "$CROOT/many.json" --force 2>/dev/null
(trap '' XFSZ; ulimit -f 1; ctool start -u "$U4") >"$tmp/co-efbig.out" 2>&1
rc=$?
host_check "callouts: a pre callout that cannot be given its input refuses start, naming the script and the cause (status $rc)" \
	eval '[ $rc -eq 1 ] && [ -z "$(created sacc-4q)" ] && grep -q "start of device $U4 refused: .*cannot run callout script .*/veto: File too large" "$tmp/co-efbig.out"'

# 10. What is not a script is passed over: a file that is not executable, one whose
#     name starts with a dot, one the kernel cannot run (no #! line).
callout_tree skipped
script "$ETC/callouts" 10-plain 'exit 1'
chmod -x "$CROOT/$ETC/callouts/10-plain"
script "$ETC/callouts" .20-dot 'exit 1'
printf 'exit 1\n' >"$CROOT/$ETC/callouts/30-noexec-format"
chmod +x "$CROOT/$ETC/callouts/30-noexec-format"
script "$ETC/callouts" 40-ok 'exit 0'
ctool start -u "$U4" >"$tmp/co-skipped.out" 2>&1
rc=$?
host_check "callouts: a non-executable file, a dot-file and a file without #! are not run; the next script handles the device (status $rc)" \
	eval '[ $rc -eq 0 ] && [ "$(created sacc-4q)" = "$U4" ] && ! grep -q "^\.20-dot " "$CROOT/log" && grep -q "^40-ok .* -e post .* -s success " "$CROOT/log" && [ ! -s "$tmp/co-skipped.out" ]'

# 11. A script that does not read its standard input does not hang the tool, however
#     big the definition (200 KiB of attributes: more than a pipe holds).
callout_tree bigstdin
printf '{"mdev_type": "sacc-4q", "start": "manual", "attrs": [{"big": "%s"}]}' \
	"$(head -c 200000 /dev/zero | tr '\0' x)" >"$CROOT/big.json"
mkdir -p "$CROOT/$ETC/callouts"
printf '#!/bin/sh\nexit 0\n' >"$CROOT/$ETC/callouts/deaf"
chmod +x "$CROOT/$ETC/callouts/deaf"
timeout 20 env MDEVCTL_ENV_ROOT="$CROOT" "$tool" modify -u "$U4" --jsonfile "$CROOT/big.json" \
	>"$tmp/co-big.out" 2>&1
rc=$?
host_check "callouts: a script that does not read 200 KiB of standard input does not hang modify (status $rc)" \
	eval '[ $rc -eq 0 ] && grep -q "\"big\": \"x" "$CROOT/etc/mdevctl.d/sacc0/$U4"'

# 12. post and the notifiers get state failure when the operation failed (here the
#     write of the definition: SIGXFSZ ignored, a 1 KiB file size limit).
callout_tree failure
for s in rec note; do
	d=callouts
	[ $s = note ] && d=notifiers
	mkdir -p "$CROOT/$ETC/$d"
	printf '#!/bin/sh\ncat >/dev/null\necho "%s $4 $8" >>"$MDEVCTL_ENV_ROOT/log"\n[ "$4" = get ] && exit 2\nexit 0\n' "$s" \
		>"$CROOT/$ETC/$d/$s"
	chmod +x "$CROOT/$ETC/$d/$s"
done
# 60 attributes: under 1 KiB on one line (stdin), more as the definition file.
attrs="$(for i in $(seq 10 69); do printf '{"a%s": "v"},' "$i"; done)"
printf '{"mdev_type": "sacc-4q", "start": "manual", "attrs": [%s]}' "${attrs%,}" >"$CROOT/many.json"
(trap '' XFSZ; ulimit -f 1; ctool modify -u "$U4" --jsonfile "$CROOT/many.json") >"$tmp/co-fail.out" 2>&1
rc=$?
host_check "callouts: when the operation fails, post and the notifiers get -s failure (status $rc)" \
	eval '[ $rc -eq 1 ] && [ "$(grep -v "^rec get" "$CROOT/log" | tr "\n" ,)" = "rec pre none,rec post failure,note notify failure," ]'

# 13. Parents and types are single names: none may reach outside /etc/mdevctl.d/PARENT
#     or into the script directories.
callout_tree names
bad=""
for p in scripts.d scripts.d/callouts ../.. . .. ""; do
	ctool define -u "$U5" -p "$p" -t sacc-1q >"$tmp/co-name.out" 2>&1
	rc=$?
	[ $rc -eq 2 ] && grep -qF "define: '$p' is not a valid parent" "$tmp/co-name.out" || bad="$bad [$p: $rc]"
done
ctool define -u "$U5" -p sacc0 -t ../sacc-1q >"$tmp/co-name.out" 2>&1
rc=$?
[ $rc -eq 2 ] && grep -qF "define: '../sacc-1q' is not a valid mdev type: it contains '/'" "$tmp/co-name.out" || bad="$bad [type: $rc]"
ctool start-parent-mdevs .. >"$tmp/co-name.out" 2>&1
rc=$?
[ $rc -eq 2 ] || bad="$bad [start-parent-mdevs: $rc]"
host_check "names: define refuses parents scripts.d, scripts.d/callouts, ../.., ., .. and empty, and a type with '/', with exit 2 naming them; start-parent-mdevs too:$bad" \
	eval '[ -z "$bad" ] && [ -z "$(find "$CROOT" -name "$U5" -newer "$CROOT/log")" ]'
printf '{"mdev_type": "../../x", "start": "manual"}' >"$CROOT/badtype.json"
ctool define -u "$U5" -p sacc0 --jsonfile "$CROOT/badtype.json" >"$tmp/co-name.out" 2>&1
rc=$?
host_check "names: a --jsonfile whose mdev_type contains '/' is refused, naming it (status $rc)" \
	eval '[ $rc -eq 1 ] && grep -qF "\"mdev_type\" '"'"'../../x'"'"' is not a valid mdev type" "$tmp/co-name.out"'

# 14. A --jsonfile with text after the object is not JSON (mdevctl's parser refuses
#     it; callouts.sh checks a callout's attributes so).
callout_tree junk
printf '{"mdev_type": "sacc-4q", "start": "auto"} {"x": 1}\n' >"$CROOT/junk.json"
ctool modify -u "$U4" --jsonfile "$CROOT/junk.json" >"$tmp/co-junk2.out" 2>&1
rc=$?
host_check "json: a --jsonfile with text after the object is refused, the definition unchanged (status $rc)" \
	eval '[ $rc -eq 1 ] && grep -q "cannot use --jsonfile $CROOT/junk.json: invalid JSON: text after the value" "$tmp/co-junk2.out" && grep -q "\"start\": \"manual\"" "$CROOT/etc/mdevctl.d/sacc0/$U4"'

# 15. --jsonfile is read before the lock is taken: the program writing standard
#     input may run mdevctl-lite itself first.
callout_tree jsonfirst
U7=11111111-0000-1000-8000-000000000007
for cmd in "modify -u $U4" "define -u $U7 -p sacc0"; do
	{
		timeout 10 env MDEVCTL_ENV_ROOT="$CROOT" "$tool" modify -u "$U5" --manual 2>/dev/null
		echo "writer $?" >>"$CROOT/log"
		echo '{"mdev_type": "sacc-4q", "start": "auto", "attrs": []}'
	} | { # shellcheck disable=SC2086 # the command's words
		timeout 30 env MDEVCTL_ENV_ROOT="$CROOT" "$tool" $cmd --jsonfile - >"$tmp/co-jf.out" 2>&1
		echo "reader $?" >>"$CROOT/log"; }
	ctool modify -u "$U5" --auto 2>/dev/null
done
host_check "jsonfile: modify and define --jsonfile - read stdin before taking the lock: the writer's own mdevctl-lite modify does not wait for it" \
	eval '[ "$(tr "\n" , <"$CROOT/log")" = "writer 0,reader 0,writer 0,reader 0," ] && grep -q "\"start\": \"auto\"" "$CROOT/etc/mdevctl.d/sacc0/$U4" && grep -q "\"mdev_type\": \"sacc-4q\"" "$CROOT/etc/mdevctl.d/sacc0/$U7"'
