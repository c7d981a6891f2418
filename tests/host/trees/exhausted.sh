# sacc0 whose budget is spent: no instance of any type left.
mk_type sacc0 sacc-1q 0 vfio-pci "SACC 1 queue" "queues=1"
mk_type sacc0 sacc-4q 0 vfio-pci "SACC 4 queues" "queues=4"
