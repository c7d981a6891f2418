two-parents
start -p SACC0 -t sacc-1q
