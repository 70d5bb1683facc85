# Reading vm/configs.cfg (sourced, not run).
# shellcheck shell=bash

CONFIGS_CFG=${CONFIGS_CFG:-$VM_DIR/configs.cfg}

# cfg_names: the stanza names, in file order, except [defaults].
cfg_names() {
	awk '/^\[[^]]+\]/ { n = substr($0, 2, index($0, "]") - 2); if (n != "defaults") print n }' "$CONFIGS_CFG"
}

# cfg_get NAME KEY: the stanza's value, else the [defaults] value, else "".
cfg_get() {
	awk -v want="$1" -v key="$2" '
		/^[ \t]*#/ || /^[ \t]*$/ { next }
		/^\[[^]]+\]/ { sect = substr($0, 2, index($0, "]") - 2); next }
		{
			eq = index($0, "=")
			if (!eq) next
			k = substr($0, 1, eq - 1); gsub(/[ \t]+/, "", k)
			if (k != key) next
			v = substr($0, eq + 1); sub(/^[ \t]+/, "", v); sub(/[ \t]+$/, "", v)
			if (sect == want) { found = 1; val = v }
			else if (sect == "defaults") { dval = v; dfound = 1 }
		}
		END { if (found) print val; else if (dfound) print dval }
	' "$CONFIGS_CFG"
}

# cfg_has NAME: is there such a stanza?
cfg_has() {
	cfg_names | grep -qxF -- "$1"
}
