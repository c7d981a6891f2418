autostart
start-parent-mdevs sacc0
cat sys/class/mdev_bus/sacc0/mdev_supported_types/sacc-1q/create; echo
cat sys/class/mdev_bus/sacc0/mdev_supported_types/sacc-2q/create | wc -c
