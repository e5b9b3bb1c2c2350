#!/bin/sh
# The mptcp_pm generic netlink family (in-kernel path manager configuration): our own cases
# in pm_nl.py (malformed attributes, refusals and their extack messages, dumps, limits,
# privileges), and that the configuration is per network namespace. Upstream's
# pm_netlink.sh runs the tools' view of the same (make upstream-selftests T=pm_netlink.sh).
. "$(dirname "$0")/lib.sh"

nl="python3 $(dirname "$0")/pm_nl.py"
cases=$($nl list)
tap_plan $(($(echo $cases | wc -w) + 2))

load_module
new_netns pmA
new_netns pmB
for c in $cases; do
	check "pm_nl: $c" ip netns exec pmA $nl "$c"
done

per_netns() {
	ip -n pmA mptcp endpoint flush && ip -n pmB mptcp endpoint flush &&
		ip -n pmA mptcp endpoint add 10.6.0.1 id 9 signal &&
		ip -n pmA mptcp limits set subflows 5 add_addr_accepted 4 || return 1
	expect_eq "$(ip -n pmA mptcp endpoint show | tr -s ' ')" "10.6.0.1 id 9 signal " &&
		expect_eq "$(ip -n pmB mptcp endpoint show)" "" &&
		expect_eq "$(ip -n pmB mptcp limits show | tr -s ' ')" "add_addr_accepted 0 subflows 2 "
}
check "endpoints and limits are per network namespace (ip mptcp)" per_netns

# The configuration goes with its namespace; the module must not leak or oops on the way.
gone() {
	ip netns del pmA && ip netns del pmB && _netns_list="" &&
		unload_module && load_module && expect_eq "$(ip mptcp endpoint show)" ""
}
check "namespaces with endpoints are deleted, module reloads clean" gone
tap_done
