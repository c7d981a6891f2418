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

# mk_mdev UUID PARENT TYPE: an active device, linked as the kernel does:
# /sys/bus/mdev/devices/UUID -> the parent's UUID directory, whose mdev_type links to
# the parent's type directory. Its remove file records what the tool writes to it.
mk_mdev() {
	local d="$ROOT/sys/class/mdev_bus/$2/$1"
	mkdir -p "$d" "$ROOT/sys/bus/mdev/devices"
	ln -s "$ROOT/sys/class/mdev_bus/$2/mdev_supported_types/$3" "$d/mdev_type"
	: >"$d/remove"
	ln -s "$d" "$ROOT/sys/bus/mdev/devices/$1"
}

# mk_def PARENT UUID TYPE START [NAME=VALUE...]: a definition as mdevctl writes it.
mk_def() {
	local parent="$1" uuid="$2" type="$3" start="$4" sep="" a
	shift 4
	mkdir -p "$ROOT/etc/mdevctl.d/$parent"
	{
		printf '{\n  "mdev_type": "%s",\n  "start": "%s",\n  "attrs": [' "$type" "$start"
		for a in "$@"; do
			printf '%s\n    {\n      "%s": "%s"\n    }' "$sep" "${a%%=*}" "${a#*=}"
			sep=","
		done
		[ $# -eq 0 ] && printf ']\n}' || printf '\n  ]\n}'
	} >"$ROOT/etc/mdevctl.d/$parent/$uuid"
}

# mk_jsonfiles: --jsonfile inputs in the tree's root (the commands' working directory).
mk_jsonfiles() {
	cat >"$ROOT/dev.json" <<'JSON'
{"mdev_type": "sacc-2q", "start": "auto", "attrs": [{"queues": "2"}, {"label": "x"}]}
JSON
	printf '{"mdev_type": "sacc-2q", "start": "manual"}' >"$ROOT/noattrs.json"
	printf '[1, 2]' >"$ROOT/array.json"
	printf '{"mdev_type": "sacc-2q", "start": "auto", "attrs": [{"a": "1", "b": "2"}]}' >"$ROOT/twofields.json"
	printf '{"mdev_type": "sacc-1q", "start": "manual", "attrs": [{"weight": "3"}]}' >"$ROOT/one-q.json"
}

# Fixed UUIDs for the trees. None is a random (version 4) UUID: the runner replaces
# those, which the tool generates, with <random-uuid>.
U1=11111111-0000-1000-8000-000000000001
U2=11111111-0000-1000-8000-000000000002
U3=11111111-0000-1000-8000-000000000003
U4=11111111-0000-1000-8000-000000000004
U5=11111111-0000-1000-8000-000000000005
U6=11111111-0000-1000-8000-000000000006
