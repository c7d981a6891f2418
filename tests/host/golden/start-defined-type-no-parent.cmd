devices
start -u 11111111-0000-1000-8000-000000000004 -t sacc-4q
cat sys/class/mdev_bus/sacc0/mdev_supported_types/sacc-4q/create; echo
