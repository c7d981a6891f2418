two-parents
@mdev-provision --name guest sacc0 sacc-2q 2
cat sys/class/mdev_bus/sacc0/mdev_supported_types/sacc-2q/create; echo
