# Canary: a missing unwind step must be caught.
# vmtest-file: /tmp/fi/faults.sh:/faults.sh /tmp/fi/helper/fi_insmod:/bin/fi_insmod
. /faults.sh
faults_supported || exit 0
set -- $(grep ' _etext$' /proc/kallsyms)
FAULTS_REJECT=$(kmemleak_text)
faults_range 0x$1 0xffffffffffffffff
faults "canary: load (init)" "if grep -q '^canary ' /proc/modules; then rmmod canary; fi" fi_insmod /project/canary.ko || exit 1
faults_range 0 0
t0=$(cut -d. -f1 /proc/uptime)
sleep 6
echo scan >/sys/kernel/debug/kmemleak
echo scan >/sys/kernel/debug/kmemleak
echo "# kmemleak after the canary ($(( $(cut -d. -f1 /proc/uptime) - t0 )) s):"
cat /sys/kernel/debug/kmemleak | head -40 | sed 's/^/#   /'
