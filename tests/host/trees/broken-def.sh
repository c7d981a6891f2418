# Definitions that cannot be used, next to a good one: invalid JSON, no mdev_type, an
# attribute that is not a string, and a stray temporary file of an interrupted write.
. "$(dirname "${BASH_SOURCE[0]}")/two-parents.sh"
mk_def sacc0 "$U1" sacc-1q manual
mkdir -p "$ROOT/etc/mdevctl.d/sacc0"
printf '{"mdev_type": "sacc-1q", "start": ' >"$ROOT/etc/mdevctl.d/sacc0/$U2"
printf '{"start": "auto"}' >"$ROOT/etc/mdevctl.d/sacc0/$U3"
printf '{"mdev_type": "sacc-1q", "start": "auto", "attrs": [{"a": 1}]}' >"$ROOT/etc/mdevctl.d/sacc0/$U4"
printf '{"mdev_ty' >"$ROOT/etc/mdevctl.d/sacc0/.$U1.Ab12Cd"
