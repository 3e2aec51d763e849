# Fault-injection prototype: block kind (load, write stream, fail_make_request).
# vmtest-file: /tmp/fi/faults.sh:/faults.sh /tmp/fi/helper/fi_insmod:/bin/fi_insmod
. /faults.sh
FAULTS_REJECT=$(kmemleak_reject)
FAULTS_MAX=100
faults_range $(function_text do_one_initcall)
faults "kblk: load (init: tag set, disk)" "if grep -q '^kblk ' /proc/modules; then rmmod kblk; fi" fi_insmod /project/kblk.ko
load kblk || exit 1
waitfor /dev/kblk0 || exit 1
echo "# scheduler: $(cat /sys/block/kblk0/queue/scheduler)"
echo 0 >/tmp/off
FAULTS_PAGES=1 faults_range $(module_text kblk)
FAULTS_MAX=40
faults "kblk: O_DIRECT writes to fresh pages" true sh -c 's=$(cat /tmp/off); echo $((s + 16)) >/tmp/off; exec dd if=/dev/zero of=/dev/kblk0 bs=4k count=16 seek=$s oflag=direct'
faults_range 0 0
F=/sys/kernel/debug/fail_make_request
echo 1 >/sys/block/kblk0/make-it-fail
echo 100 >$F/probability; echo 1 >$F/interval; echo 3 >$F/times; echo 0 >$F/verbose
echo "# fail_make_request, 3 bios failed:"
dd if=/dev/kblk0 of=/dev/null bs=4k count=8 iflag=direct; echo "# dd rc=$?"
echo "# times left: $(cat $F/times)"
echo 0 >/sys/block/kblk0/make-it-fail; echo 0 >$F/probability
check "reads again" dd if=/dev/kblk0 of=/dev/null bs=4k count=8 iflag=direct
dmesg | tail -5 | sed 's/^/#   /'
rmmod kblk
