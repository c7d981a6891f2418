devices
undefine -u 11111111-0000-1000-8000-000000000004
ls etc/mdevctl.d/sacc0
