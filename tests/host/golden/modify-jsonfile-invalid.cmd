devices-jsonfiles
modify -u 11111111-0000-1000-8000-000000000004 --jsonfile array.json
cat etc/mdevctl.d/sacc0/11111111-0000-1000-8000-000000000004; echo
