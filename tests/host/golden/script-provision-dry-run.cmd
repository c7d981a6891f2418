two-parents
@mdev-provision --dry-run sacc0 sacc-1q 3
ls sys/class/mdev_bus/sacc0/mdev_supported_types/sacc-1q/create -s
