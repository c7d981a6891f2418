devices
undefine -u 11111111-0000-1000-8000-000000000006 -p mtty
ls etc/mdevctl.d/sacc0 etc/mdevctl.d/mtty
