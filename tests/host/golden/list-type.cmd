devices
list -d -t sacc-2q
