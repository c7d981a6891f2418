two-parents
types -p
