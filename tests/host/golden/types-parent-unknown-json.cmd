two-parents
types -p nosuch --dumpjson
