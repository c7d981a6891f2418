devices
start -p sacc0
