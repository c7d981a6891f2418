# SPDX-License-Identifier: GPL-2.0
# Fault tests of the definition store, sourced by run.sh (uses $tool, $tmp, $here and
# host_check). A definition must survive the tool being killed in the
# middle of rewriting it, a failed write, and concurrent writers.

U1=11111111-0000-1000-8000-000000000001

# fault_tree NAME: a fresh root ($FROOT) with sacc0 and one definition, $U1 (auto, one
# attribute), in $DEF; a copy of it in $SAVED.
fault_tree() {
	FROOT="$tmp/fault-$1"
	mkdir -p "$FROOT"
	(ROOT="$FROOT"; . "$here/trees/lib.sh"; . "$here/trees/two-parents.sh"
	 mk_def sacc0 "$U1" sacc-1q auto "queues=1")
	DEF="$FROOT/etc/mdevctl.d/sacc0/$U1"
	SAVED="$tmp/fault-$1.saved"
	cp "$DEF" "$SAVED"
}
ftool() { MDEVCTL_ENV_ROOT="$FROOT" "$tool" "$@"; }
temp_files() { find "$FROOT/etc/mdevctl.d/sacc0" -name ".$U1.*" | wc -l; }
# More than the 1 KiB file size limit used below: writing the new definition is cut.
big="$(head -c 3000 /dev/zero | tr '\0' x)"

# 1. Killed mid-write: with RLIMIT_FSIZE at 1 KiB the kernel sends SIGXFSZ (fatal) as
#    the tool writes past the first KiB of its temporary file.
fault_tree kill
(ulimit -f 1; ftool modify -u "$U1" --addattr big --value "$big") >"$tmp/kill.out" 2>&1
rc=$?
host_check "fault: modify is killed by SIGXFSZ in the middle of its write (status $rc)" \
	test "$rc" -eq $((128 + $(kill -l XFSZ)))
host_check "fault: the killed write left a partial temporary file of 1 KiB" \
	test "$(find "$FROOT/etc/mdevctl.d/sacc0" -name ".$U1.*" -size 1k | wc -l)" -eq 1
host_check "fault: after the kill the old definition is intact, byte for byte" \
	cmp -s "$DEF" "$SAVED"
host_check "fault: list -d reads the old definition and skips the partial file" \
	test "$(ftool list -d -v 2>&1)" = "$(printf '%s\n' \
		"$U1 sacc0 sacc-1q auto" "  Attrs:" '    @{0}: {"queues":"1"}')"
ftool modify -u "$U1" --addattr big --value "$big" >"$tmp/after.out" 2>&1
host_check "fault: a modify after the kill succeeds and writes the new definition" \
	grep -q "\"big\": \"$big\"" "$DEF"

# 2. A failed write (SIGXFSZ ignored: write() returns EFBIG instead) is reported, the
#    old definition stays and the temporary file is removed.
fault_tree efbig
(trap '' XFSZ; ulimit -f 1; ftool modify -u "$U1" --addattr big --value "$big") \
	>"$tmp/efbig.out" 2>&1
rc=$?
host_check "fault: a failed write exits 1 (status $rc)" test "$rc" -eq 1
host_check "fault: the failed write names the device, the file and the cause" \
	grep -q "cannot write the definition of $U1 on parent sacc0 to .*: File too large; the previous definition (if any) is unchanged" "$tmp/efbig.out"
host_check "fault: after the failed write the old definition is intact" cmp -s "$DEF" "$SAVED"
host_check "fault: the failed write left no temporary file" test "$(temp_files)" -eq 0

# 3. Concurrent writers: 12 modify --addattr at once must all land (the lock keeps one
#    read-modify-write from overwriting another's).
fault_tree concurrent
pids=()
for i in $(seq 1 12); do
	ftool modify -u "$U1" --addattr "n$i" --value "$i" >"$tmp/conc-$i.out" 2>&1 &
	pids+=($!)
done
failed=0
for p in "${pids[@]}"; do wait "$p" || failed=$((failed + 1)); done
host_check "fault: 12 concurrent modify commands all succeed ($failed failed)" test "$failed" -eq 0
host_check "fault: the definition holds all 13 attributes after them" \
	test "$(ftool list -d -v | grep -c '@{')" -eq 13

# 4. Concurrent define of one new UUID: exactly one wins, the others are told it exists.
fault_tree define-race
U9=11111111-0000-1000-8000-000000000009
pids=()
for i in $(seq 1 8); do
	ftool define -u "$U9" -p sacc0 -t sacc-1q >"$tmp/race-$i.out" 2>&1 &
	pids+=($!)
done
won=0
for p in "${pids[@]}"; do wait "$p" && won=$((won + 1)); done
host_check "fault: of 8 concurrent define of one UUID exactly one succeeds ($won did)" \
	test "$won" -eq 1
host_check "fault: the 7 others say the device is already defined" \
	test "$(cat "$tmp"/race-*.out | grep -c "device $U9 is already defined on parent sacc0")" -eq 7
