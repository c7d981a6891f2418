# SPDX-License-Identifier: GPL-2.0
# `make install` into a staging directory, sourced by run.sh (uses $repo, $out, $tmp
# and host_check): every file lands where the documentation says, and the udev rule
# runs the installed binary for registered parents that have definitions.
dest="$tmp/install"
make -s -C "$repo/mdevctl-lite" OUT="$out" SANITIZE=1 DESTDIR="$dest" PREFIX=/usr install \
	>"$tmp/install.log" 2>&1
host_check "install: make install DESTDIR=... PREFIX=/usr succeeds" test $? -eq 0
for f in usr/bin/mdevctl-lite usr/bin/mdev-provision usr/bin/mdev-destroy-parent; do
	host_check "install: $f is installed executable" test -x "$dest/$f"
done
host_check "install: the man page is installed" test -s "$dest/usr/share/man/man8/mdevctl-lite.8"
host_check "install: /etc/mdevctl.d is created" test -d "$dest/etc/mdevctl.d"
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
