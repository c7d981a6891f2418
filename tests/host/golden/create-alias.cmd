two-parents
create -p mtty -t mtty-2 -u 11111111-0000-1000-8000-000000000007
cat sys/class/mdev_bus/mtty/mdev_supported_types/mtty-2/create; echo
