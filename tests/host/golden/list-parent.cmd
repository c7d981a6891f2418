devices
list -p mtty
