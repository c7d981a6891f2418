# A type whose available_instances attribute is missing.
mk_type sacc0 sacc-1q 8 vfio-pci "SACC 1 queue" "queues=1"
rm "$ROOT/sys/class/mdev_bus/sacc0/mdev_supported_types/sacc-1q/available_instances"
