# The devices of devices.sh, and the --jsonfile inputs of jsonfiles.sh.
. "$(dirname "${BASH_SOURCE[0]}")/devices.sh"
mk_jsonfiles
