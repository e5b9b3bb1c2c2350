#!/bin/sh
# The module's KUnit suites (the pure core's shared vectors) run when it loads; report each
# case from the suite's KTAP results, and fail if a suite is missing or incomplete.
. "$(dirname "$0")/lib.sh"

suites="mptcp_proto_options:12 mptcp_proto_crypto:1 mptcp_proto_dataplane:2 mptcp_glue:2"
total=0
for s in $suites; do total=$((total + ${s#*:})); done
tap_plan $((total + 1))

unload_module
check "insmod runs the KUnit suites" insmod "$MPTCP_KO"

for s in $suites; do
	name=${s%%:*}
	want=${s#*:}
	results=/sys/kernel/debug/kunit/$name/results
	if [ ! -r "$results" ]; then
		i=0
		while [ $i -lt "$want" ]; do
			check "kunit $name: results present" sh -c "echo 'no $results'; false"
			i=$((i + 1))
		done
		continue
	fi
	# Test-case lines are the indented "ok N name" / "not ok N name" of the suite.
	cases=$(grep -E '^[[:space:]]+(not )?ok [0-9]+ ' "$results")
	seen=0
	while IFS= read -r line; do
		[ -n "$line" ] || continue
		seen=$((seen + 1))
		case_name=$(echo "$line" | sed -E 's/^[[:space:]]+(not )?ok [0-9]+ //')
		case "$line" in
		*"not ok"*) check "kunit $name: $case_name" sh -c "cat '$results'; false" ;;
		*) check "kunit $name: $case_name" true ;;
		esac
	done <<EOT
$cases
EOT
	while [ $seen -lt "$want" ]; do
		check "kunit $name: expected $want cases, found fewer" sh -c "cat '$results'; false"
		seen=$((seen + 1))
	done
done
unload_module

tap_done
