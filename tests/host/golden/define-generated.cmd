two-parents
define -p mtty -t mtty-1
ls etc/mdevctl.d/mtty
