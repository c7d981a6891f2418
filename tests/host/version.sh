# SPDX-License-Identifier: GPL-2.0
# Host tests of the project's one version number (sourced by run.sh; uses host_check):
# VERSION, the Debian changelog's newest entry and mdevctl-lite --version agree, and
# --version prints a string tools can parse ("mdevctl-lite X.Y.Z").
ver_file="$(cat "$repo/VERSION")"
ver_deb="$(sed -nE '1s/^[^ ]+ \(([^)]+)\).*/\1/p' "$repo/debian/changelog")"
ver_tool="$("$tool" --version)"
host_check "VERSION ($ver_file) is a release number X.Y.Z" \
	bash -c "[[ '$ver_file' =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]"
host_check "debian/changelog's newest entry ($ver_deb) is VERSION" test "$ver_deb" = "$ver_file"
host_check "mdevctl-lite --version prints 'mdevctl-lite VERSION' ($ver_tool)" \
	test "$ver_tool" = "mdevctl-lite $ver_file"
