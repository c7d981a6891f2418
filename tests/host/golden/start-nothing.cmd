two-parents
start
