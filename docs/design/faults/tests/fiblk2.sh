# block I/O stream: scheduler none (direct issue in the writer's task), fail-nth with pages
# vmtest-file: /tmp/fi/faults.sh:/faults.sh /tmp/fi/helper/fi_insmod:/bin/fi_insmod
. /faults.sh
FAULTS_REJECT=$(kmemleak_reject)
load kblk || exit 1
waitfor /dev/kblk0 || exit 1
echo none >/sys/block/kblk0/queue/scheduler
echo "# scheduler: $(cat /sys/block/kblk0/queue/scheduler)"
echo 0 >/tmp/off
FAULTS_PAGES=1
FAULTS_MAX=40
faults_range $(module_text kblk)
faults "kblk: O_DIRECT writes to fresh pages (none)" true sh -c 's=$(cat /tmp/off); echo $((s + 16)) >/tmp/off; exec dd if=/dev/zero of=/dev/kblk0 bs=4k count=16 seek=$s oflag=direct'
for n in 1 2; do [ -e /tmp/faults.$n.out ] && echo "## $n: $(cat /tmp/faults.$n.out)"; done
# the same, any task: probability mode, times=1, module text filter (kblockd included)
A=/sys/kernel/debug/fail_page_alloc
echo 1 >$A/interval; echo 1 >$A/times; echo 100 >$A/probability
s=$(cat /tmp/off)
dd if=/dev/zero of=/dev/kblk0 bs=4k count=16 seek=$s oflag=direct; echo "# probability mode: dd rc=$? pages times left $(cat $A/times)"
echo 0 >$A/probability
faults_range 0 0
dmesg | grep -v '^\[.*\]  ' | tail -8 | sed 's/^/#   /'
rmmod kblk
