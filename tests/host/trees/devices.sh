# The two parents with active and defined devices:
#   U1 sacc0 sacc-1q  active, defined auto with two attributes
#   U2 sacc0 sacc-2q  active, not defined
#   U3 mtty  mtty-1   active, defined manual
#   U4 sacc0 sacc-4q  defined manual, not active
#   U5 sacc0 sacc-2q  defined auto, not active
#   U6 sacc0, mtty    defined under both parents (manual)
. "$(dirname "${BASH_SOURCE[0]}")/two-parents.sh"
mk_mdev "$U1" sacc0 sacc-1q
mk_mdev "$U2" sacc0 sacc-2q
mk_mdev "$U3" mtty mtty-1
mk_def sacc0 "$U1" sacc-1q auto "queues=1" "label=vm one"
mk_def mtty "$U3" mtty-1 manual
mk_def sacc0 "$U4" sacc-4q manual
mk_def sacc0 "$U5" sacc-2q auto
mk_def sacc0 "$U6" sacc-1q manual
mk_def mtty "$U6" mtty-2 manual
# U1's file exactly as mdevctl writes it, to compare with what mdevctl-lite rewrites.
cp "$ROOT/etc/mdevctl.d/sacc0/$U1" "$ROOT/U1.mdevctl"
