# shellcheck shell=sh
# Guest hook (sourced by vm/guest/init from /etc/ic/post.d/): run the
# kernel's own iommufd selftest, /bin/iommufd-selftest, after our suite in
# the same boot. bench/selftest-compare.sh puts both files into the
# initramfs and reads the console. Output lines:
#   ic: selftest start uptime=S
#   ic-selftest: <the selftest's TAP line>
#   ic: selftest end uptime=E exit=N
# Its dirty-tracking "huge" variants map 64 and 128 MiB of 2 MiB pages: give
# it 80 pages for its run (the guest reserves IC_HUGEPAGES, 8 by default).
if [ -x /bin/iommufd-selftest ]; then
	st_old_huge=$(cat /proc/sys/vm/nr_hugepages 2>/dev/null || echo 0)
	echo 80 >/proc/sys/vm/nr_hugepages 2>/dev/null
	say "selftest hugepages=$(cat /proc/sys/vm/nr_hugepages 2>/dev/null) (was $st_old_huge)"
	say "selftest start uptime=$(cut -d' ' -f1 /proc/uptime)"
	/bin/iommufd-selftest >/tmp/iommufd-selftest.tap 2>&1
	st_status=$?
	say "selftest end uptime=$(cut -d' ' -f1 /proc/uptime) exit=$st_status"
	echo "$st_old_huge" >/proc/sys/vm/nr_hugepages 2>/dev/null
	sed 's/^/ic-selftest: /' /tmp/iommufd-selftest.tap
fi
