#!/bin/sh
# PID 1 of the guest booted by tools/vm.sh: mount what a test needs on top of the read-only
# host root, run the command from the vmout share, save its status and the kernel log, and
# power off. Plain POSIX sh: this runs before anything else exists.

export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/tmp/home TERM=dumb LANG=C.UTF-8

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
# What udev would add: bash's process substitution reads /dev/fd/N (upstream's
# mptcp_join.sh compares the transferred files through one: without it, no check at all).
ln -sfn /proc/self/fd /dev/fd
ln -sf /proc/self/fd/0 /dev/stdin
ln -sf /proc/self/fd/1 /dev/stdout
ln -sf /proc/self/fd/2 /dev/stderr
mkdir -p /dev/pts /dev/shm 2>/dev/null
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
# Not /root: the host's ~/.cache (kernel builds) and ~/.cargo must stay visible.
for d in /tmp /run /var/tmp /var/log /var/lib /mnt; do
	mount -t tmpfs -o mode=0755 tmpfs "$d"
done
chmod 1777 /tmp /var/tmp
mount -t debugfs debugfs /sys/kernel/debug
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
mkdir -p /tmp/vmout /tmp/home /run/netns /var/lib/nftables
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 vmout /tmp/vmout
out=/tmp/vmout
# Host directories under the paths tmpfs just hid, shared again by vm.sh (parents first).
while read -r tag path; do
	mkdir -p "$path" 2>/dev/null
	mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144,ro "$tag" "$path"
done <$out/mounts
# This kernel's modules, not the host's, under /lib/modules.
mods=$(cat $out/modules)
if [ -d "$mods" ] && [ -d /lib/modules ]; then
	mount -t tmpfs tmpfs /lib/modules
	for m in "$mods"/*; do ln -s "$m" "/lib/modules/${m##*/}"; done
fi
hostname mptcp-guest 2>/dev/null
ip link set lo up

# Leaks are judged from here on: whatever boot left behind is not the test's doing.
kmemleak=/sys/kernel/debug/kmemleak
[ -w $kmemleak ] && echo clear >$kmemleak

limit=$(cat $out/timeout)
# The command's output goes to the console (the host streams it) and to output.log; dash has
# no PIPESTATUS, so the status travels through a file.
{
	timeout -k 5 "$limit" sh $out/cmd.sh </dev/null 2>&1
	echo $? >/run/cmd-status
} | tee $out/output.log >/dev/console
rc=$(cat /run/cmd-status)

if [ -w $kmemleak ]; then
	echo scan >$kmemleak
	cat $kmemleak >$out/kmemleak.log
fi
dmesg >$out/dmesg.log
echo "$rc" >$out/exit-status
sync
umount $out
echo b >/proc/sysrq-trigger
