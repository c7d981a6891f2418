devices
start -u 11111111-0000-1000-8000-000000000006 -p mtty
cat sys/class/mdev_bus/mtty/mdev_supported_types/mtty-2/create; echo
