devices
list -d --dumpjson
