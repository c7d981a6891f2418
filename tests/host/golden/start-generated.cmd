two-parents
start -p sacc0 -t sacc-2q
cat sys/class/mdev_bus/sacc0/mdev_supported_types/sacc-2q/create; echo
