#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# apt-extra.sh apt-get|apt-cache ARGS...: run apt-get or apt-cache on the Debian
# suites this machine's sources do not list -- trixie (and its security and
# backports suites), bookworm-backports -- through a private configuration in
# $SACC_CACHE/apt-extra/, without changing what the system installs or knows. For
# searching and downloading only (apt-get download, apt-cache search/show); nothing
# is ever installed from it. The lists are fetched when missing or a day old.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/common.sh"

case "${1:-}" in
apt-get|apt-cache) ;;
*) die "apt-extra.sh: the first argument must be apt-get or apt-cache, not '${1:-}'" ;;
esac
dir="$SACC_CACHE/apt-extra"
mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial"
opts=(-o "Dir::Etc::sourcelist=$dir/sources.list" -o Dir::Etc::sourceparts=-
	-o "Dir::State::Lists=$dir/lists" -o "Dir::Cache=$dir/cache"
	-o Dir::State::status=/dev/null -o APT::Sandbox::User=root)

# Sources and lists change under an exclusive lock; queries and downloads hold a
# shared one (fd 9 stays open across the exec).
exec 9>"$dir/lock"
flock 9
key=/usr/share/keyrings/debian-archive-keyring.gpg
cat >"$dir/sources.list.new" <<LIST
deb [signed-by=$key] http://deb.debian.org/debian trixie main
deb [signed-by=$key] http://deb.debian.org/debian trixie-updates main
deb [signed-by=$key] http://deb.debian.org/debian-security trixie-security main
deb [signed-by=$key] http://deb.debian.org/debian trixie-backports main
deb [signed-by=$key] http://deb.debian.org/debian bookworm-backports main
LIST
if ! cmp -s "$dir/sources.list.new" "$dir/sources.list"; then
	mv "$dir/sources.list.new" "$dir/sources.list"
	rm -f "$dir/updated"
fi
rm -f "$dir/sources.list.new"
# "updated" is touched after each successful update: apt gives the lists the
# server's times, which say nothing of when they were fetched.
if [ -z "$(find "$dir/updated" -mmin -1440 2>/dev/null)" ]; then
	log "apt-extra: fetching the package lists of trixie, trixie-backports, bookworm-backports"
	if apt-get "${opts[@]}" update -qq </dev/null >&2; then
		touch "$dir/updated"
	elif [ -n "$(find "$dir/lists" -maxdepth 1 -name '*_Packages*' 2>/dev/null | head -n1)" ]; then
		log "apt-extra: apt-get update failed; using the lists fetched before"
	else
		die "apt-extra: apt-get update failed for the suites in $dir/sources.list"
	fi
fi
flock -s 9
cmd="$1"
shift
exec "$cmd" "${opts[@]}" "$@" </dev/null
