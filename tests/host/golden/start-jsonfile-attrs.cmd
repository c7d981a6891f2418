jsonfiles
start -p sacc0 --jsonfile dev.json -u 11111111-0000-1000-8000-000000000007
cat sys/class/mdev_bus/sacc0/mdev_supported_types/sacc-2q/create; echo
