# sacc with three types, and mtty (two types, no description, a multi-line one on sacc-4q).
mk_type sacc0 sacc-1q 8 vfio-pci "SACC 1 queue" "queues=1"
mk_type sacc0 sacc-2q 4 vfio-pci "SACC 2 queues" "queues=2"
mk_type sacc0 sacc-4q 2 vfio-pci "SACC 4 queues" "queues=4
memory=16M"
mk_type mtty mtty-1 24 vfio-pci "Single port serial"
mk_type mtty mtty-2 12 vfio-pci "Dual port serial"
