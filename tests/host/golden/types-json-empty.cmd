empty
types --dumpjson
