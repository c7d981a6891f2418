jsonfiles
define -p sacc0 -u 11111111-0000-1000-8000-000000000007 --jsonfile dev.json
cat etc/mdevctl.d/sacc0/11111111-0000-1000-8000-000000000007; echo
