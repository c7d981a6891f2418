two-parents
start -p nosuch -t sacc-1q
