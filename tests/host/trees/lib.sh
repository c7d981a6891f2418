# SPDX-License-Identifier: GPL-2.0
# Helpers to build fake sysfs trees under $ROOT. Sourced by the tree scripts.

# mk_type PARENT TYPE AVAILABLE DEVICE_API [NAME] [DESCRIPTION]
mk_type() {
	local d="$ROOT/sys/class/mdev_bus/$1/mdev_supported_types/$2"
	mkdir -p "$d/devices"
	echo "$3" >"$d/available_instances"
	echo "$4" >"$d/device_api"
	[ -z "${5:-}" ] || echo "$5" >"$d/name"
	[ -z "${6:-}" ] || printf '%s\n' "$6" >"$d/description"
	: >"$d/create"
}
