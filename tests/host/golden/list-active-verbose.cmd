devices
list -v
