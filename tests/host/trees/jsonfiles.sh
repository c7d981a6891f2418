# The two parents, and --jsonfile inputs in the working directory (the tree's root).
. "$(dirname "${BASH_SOURCE[0]}")/two-parents.sh"
mk_jsonfiles
