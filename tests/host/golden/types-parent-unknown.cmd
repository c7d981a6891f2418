two-parents
types -p nosuch
