two-parents
start -t sacc-1q
