two-parents
types --dumpjson
