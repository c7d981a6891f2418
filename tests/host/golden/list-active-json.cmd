devices
list --dumpjson
