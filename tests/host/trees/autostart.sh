# Auto-start definitions on sacc0: U1 startable, U2 of a type sacc0 lacks, U3 manual,
# U4 already active.
. "$(dirname "${BASH_SOURCE[0]}")/two-parents.sh"
mk_def sacc0 "$U1" sacc-1q auto
mk_def sacc0 "$U2" sacc-8q auto
mk_def sacc0 "$U3" sacc-2q manual
mk_def sacc0 "$U4" sacc-4q auto
mk_mdev "$U4" sacc0 sacc-4q
