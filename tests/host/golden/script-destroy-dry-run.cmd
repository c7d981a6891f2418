devices
@mdev-destroy-parent --dry-run sacc0
cat sys/class/mdev_bus/sacc0/*/remove | wc -c
