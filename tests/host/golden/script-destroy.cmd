devices
@mdev-destroy-parent sacc0
cat sys/class/mdev_bus/sacc0/*/remove; echo
cat sys/class/mdev_bus/mtty/*/remove | wc -c
