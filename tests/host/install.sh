# SPDX-License-Identifier: GPL-2.0
# `make install` into a staging directory, sourced by run.sh (uses $repo, $out, $tmp
# and host_check): every file lands where the documentation says, the mdevctl and
# lsmdev names are links that behave as those tools (and MDEVCTL_NAME= leaves them
# out), and the udev rule runs the installed binary for registered parents that have
# definitions.
dest="$tmp/install"
make -s -C "$repo/mdevctl-lite" OUT="$out" SANITIZE=1 DESTDIR="$dest" PREFIX=/usr install \
	>"$tmp/install.log" 2>&1
host_check "install: make install DESTDIR=... PREFIX=/usr succeeds" test $? -eq 0
for f in usr/bin/mdevctl-lite usr/bin/mdev-provision usr/bin/mdev-destroy-parent; do
	host_check "install: $f is installed executable" test -x "$dest/$f"
done
host_check "install: the man page is installed" test -s "$dest/usr/share/man/man8/mdevctl-lite.8"
host_check "install: /etc/mdevctl.d is created" test -d "$dest/etc/mdevctl.d"
for d in etc/mdevctl.d/scripts.d/callouts etc/mdevctl.d/scripts.d/notifiers \
	usr/lib/mdevctl/scripts.d/callouts usr/lib/mdevctl/scripts.d/notifiers; do
	host_check "install: the script directory /$d is created" test -d "$dest/$d"
done
for name in mdevctl lsmdev; do
	host_check "install: $name is a link to mdevctl-lite" \
		test "$(readlink "$dest/usr/bin/$name")" = mdevctl-lite
	host_check "install: the man page $name.8 links to mdevctl-lite.8" \
		test "$(readlink "$dest/usr/share/man/man8/$name.8")" = mdevctl-lite.8
done
ver="$(cat "$repo/VERSION")"
host_check "install: mdevctl --version prints 'mdevctl 1.4.0 (mdevctl-lite $ver)'" \
	test "$("$dest/usr/bin/mdevctl" --version)" = "mdevctl 1.4.0 (mdevctl-lite $ver)"
host_check "install: lsmdev --version prints 'lsmdev 1.4.0 (mdevctl-lite $ver)'" \
	test "$("$dest/usr/bin/lsmdev" --version)" = "lsmdev 1.4.0 (mdevctl-lite $ver)"
# lsmdev is list: the same output over a tree with devices, and its own usage line.
lroot="$tmp/install-lsmdev"
mkdir -p "$lroot"
(ROOT="$lroot"; . "$here/trees/lib.sh"; . "$here/trees/devices.sh")
host_check "install: lsmdev -d --dumpjson prints what mdevctl-lite list -d --dumpjson does" \
	test "$(MDEVCTL_ENV_ROOT="$lroot" "$dest/usr/bin/lsmdev" -d --dumpjson)" = \
	"$(MDEVCTL_ENV_ROOT="$lroot" "$tool" list -d --dumpjson)"
host_check "install: lsmdev lists the active devices as list does (3 lines)" \
	test "$(MDEVCTL_ENV_ROOT="$lroot" "$dest/usr/bin/lsmdev" | wc -l)" -eq 3
host_check "install: lsmdev --help shows 'Usage: lsmdev [-d] ...'" \
	bash -c "'$dest/usr/bin/lsmdev' --help | grep -q '^Usage: lsmdev \[-d\]'"
"$dest/usr/bin/lsmdev" --bogus >"$tmp/lsmdev-bogus" 2>&1
rc=$?
host_check "install: lsmdev --bogus exits 2 pointing at 'lsmdev --help' (status $rc)" \
	eval '[ $rc -eq 2 ] && grep -q "see .lsmdev --help." "$tmp/lsmdev-bogus"'
host_check "install: mdevctl help list prints list's usage" \
	bash -c "'$dest/usr/bin/mdevctl' help list | grep -q '^Usage: mdevctl list '"
dest2="$tmp/install-noname"
make -s -C "$repo/mdevctl-lite" OUT="$out" SANITIZE=1 DESTDIR="$dest2" PREFIX=/usr \
	MDEVCTL_NAME= install >"$tmp/install2.log" 2>&1
host_check "install: MDEVCTL_NAME= installs mdevctl-lite but no mdevctl, lsmdev or their pages" \
	eval '[ -x "$dest2/usr/bin/mdevctl-lite" ] && [ -z "$(ls "$dest2/usr/bin" "$dest2/usr/share/man/man8" | grep -E "^(mdevctl|lsmdev)(\.8)?$")" ]'
rule="$dest/usr/lib/udev/rules.d/60-mdevctl-lite.rules"
host_check "install: the udev rule runs start-parent-mdevs of the installed binary" \
	grep -q 'RUN+="/usr/bin/mdevctl-lite start-parent-mdevs $kernel"' "$rule"
host_check "install: the udev rule fires on MDEV_STATE=registered when definitions exist" \
	grep -q '^ACTION=="change", ENV{MDEV_STATE}=="registered", TEST=="/etc/mdevctl.d/$kernel", RUN' "$rule"

# The man page documents every command the tool lists in its help, and every script.
man="$dest/usr/share/man/man8/mdevctl-lite.8"
for c in $("$tool" --help | sed -n '/^Commands:/,/^$/s/^  \([a-z-]*\) .*/\1/p') \
	mdev-provision mdev-destroy-parent; do
	host_check "install: the man page documents $c" grep -q "^\.B[RI]* $c\b" "$man"
done
