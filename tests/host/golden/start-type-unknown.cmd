two-parents
start -p sacc0 -t sacc-8q
