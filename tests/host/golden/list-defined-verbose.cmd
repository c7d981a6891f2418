devices
list -d -v
