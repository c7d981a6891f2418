two-parents
define -p sacc0 -t sacc-1q -u 11111111-0000-1000-8000-000000000007 --auto
cat etc/mdevctl.d/sacc0/11111111-0000-1000-8000-000000000007; echo; stat -c %a etc/mdevctl.d/sacc0/11111111-0000-1000-8000-000000000007
