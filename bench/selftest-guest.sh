# shellcheck shell=sh
# Guest hook (sourced by vm/guest/init from /etc/ic/post.d/): run the
# kernel's own iommufd selftest, /bin/iommufd-selftest, after our suite in
# the same boot. bench/selftest-compare.sh puts both files into the
# initramfs and reads the console. Output lines:
#   ic: selftest start uptime=S
#   ic-selftest: <the selftest's TAP line>
#   ic: selftest end uptime=E exit=N
if [ -x /bin/iommufd-selftest ]; then
	say "selftest start uptime=$(cut -d' ' -f1 /proc/uptime)"
	/bin/iommufd-selftest >/tmp/iommufd-selftest.tap 2>&1
	st_status=$?
	say "selftest end uptime=$(cut -d' ' -f1 /proc/uptime) exit=$st_status"
	sed 's/^/ic-selftest: /' /tmp/iommufd-selftest.tap
fi
