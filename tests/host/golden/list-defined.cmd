devices
list --defined
