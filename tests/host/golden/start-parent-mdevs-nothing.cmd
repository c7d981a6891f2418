devices
start-parent-mdevs mtty
