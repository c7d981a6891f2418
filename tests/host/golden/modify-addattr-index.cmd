devices
modify -u 11111111-0000-1000-8000-000000000001 --addattr first --value 0 -i 0
cat etc/mdevctl.d/sacc0/11111111-0000-1000-8000-000000000001; echo
