devices
list -u 1234
