devices
stop
