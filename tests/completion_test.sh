#!/usr/bin/env bash
# Runs the bash completion function the way bash does and checks what it offers. $1: the script, $2: headroom.
set -u
source "$1"
exe=$2
fail=0
offer() {  # the words typed so far, the last being completed; prints the candidates one per line
    COMP_WORDS=("$exe" "$@")
    COMP_CWORD=$#
    COMPREPLY=()
    _headroom
    printf '%s\n' "${COMPREPLY[@]}"
}
expect() {  # expect "CANDIDATE" WORD...
    local want=$1
    shift
    if ! offer "$@" | grep -qxF -- "$want"; then
        echo "completing '$*' did not offer '$want'; it offered:"
        offer "$@"
        fail=1
    fi
}
expect pair pa
expect sweep sw
expect --headphone pair --head
expect --thermal-power pair --therm
expect --json need --j
expect load plot l
expect headphones catalog h
expect 'Sennheiser\ HD600\ \(measured\)' pair --headphone "Sennheiser HD6"
expect 'FiiO\ K19' pair --headphone x --amp "fiio k1"
expect iem sweep --kind i
expect dongle sweep --kind do
expect 4.4mm sweep --connector 4
expect 'Sennheiser\ HD600\ \(measured\)' sweep --headphone "Sennheiser HD6"
[ -z "$(offer pair --out x)" ] || { echo "file flags should fall back to file names"; fail=1; }
# A name holding glob characters is offered as it is, quoted, never expanded against the files of the folder.
dir=$(mktemp -d)
cat > "$dir/headphones.json" <<'JSON'
{"format": "headroom-catalog-1", "headphones": [
 {"name": "Glob [A]*", "type": "iem", "impedance": "16ohm", "sensitivity": "110dB/V", "basis": "own"}]}
JSON
printf '{"format": "headroom-catalog-1", "amplifiers": []}\n' > "$dir/amplifiers.json"
touch "$dir/Glob A-file"
(cd "$dir" && expect 'Glob\ \[A\]\*' pair --catalog-dir "$dir" --headphone "Glob" && exit "$fail") || fail=1
rm -rf "$dir"
exit $fail
