devices
start-parent-mdevs
