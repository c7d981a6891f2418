exhausted
start -p sacc0 -t sacc-4q -u 11111111-0000-1000-8000-000000000007
cat sys/class/mdev_bus/sacc0/mdev_supported_types/sacc-4q/create | wc -c
