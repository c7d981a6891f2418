devices
list
