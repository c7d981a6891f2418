devices
list -p SACC0
