# No mdev parent at all: /sys/class/mdev_bus does not exist.
mkdir -p "$ROOT/sys/class"
