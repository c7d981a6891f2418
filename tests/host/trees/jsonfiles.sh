# The two parents, and --jsonfile inputs in the working directory (the tree's root).
. "$(dirname "${BASH_SOURCE[0]}")/two-parents.sh"
cat >"$ROOT/dev.json" <<'JSON'
{"mdev_type": "sacc-2q", "start": "auto", "attrs": [{"queues": "2"}, {"label": "x"}]}
JSON
printf '{"mdev_type": "sacc-2q", "start": "manual"}' >"$ROOT/noattrs.json"
printf '[1, 2]' >"$ROOT/array.json"
printf '{"mdev_type": "sacc-2q", "start": "auto", "attrs": [{"a": "1", "b": "2"}]}' >"$ROOT/twofields.json"
