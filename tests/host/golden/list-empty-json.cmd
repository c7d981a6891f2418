empty
list -d --dumpjson
