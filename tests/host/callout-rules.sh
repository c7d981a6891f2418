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
