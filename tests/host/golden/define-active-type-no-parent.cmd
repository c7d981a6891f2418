devices
define -u 11111111-0000-1000-8000-000000000002 -t sacc-2q
ls etc/mdevctl.d/sacc0
