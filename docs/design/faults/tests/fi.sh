# Fault-injection prototype (issue #27): cdev load and open/ioctl.
# vmtest-file: /tmp/fi/faults.sh:/faults.sh /tmp/fi/helper/fi_insmod:/bin/fi_insmod
. /faults.sh
faults_supported || { echo "# no fault injection in this kernel"; exit 0; }
set -- $(grep ' _etext$' /proc/kallsyms)
etext=0x$1
FAULTS_REJECT=$(kmemleak_text)
echo "# kmemleak text: $FAULTS_REJECT: $(grep -c kmemleak /proc/kallsyms) symbols"
faults_range $etext 0xffffffffffffffff
faults "cdev: load (init)" "if grep -q '^cdev ' /proc/modules; then rmmod cdev; fi" fi_insmod /project/cdev.ko || exit 1
for n in 2 4; do echo "## fault $n out: $(cat /tmp/faults.$n.out)"; sed 's/^/## /' /tmp/faults.$n.dmesg | grep -v 'Call Trace' | grep -v '^## .....[0-9.]*\]  ?' | head -30; done
FAULTS_REJECT=
faults_range $etext 0xffffffffffffffff
faults "cdev: load (init), kmemleak's allocations counted" "if grep -q '^cdev ' /proc/modules; then rmmod cdev; fi" fi_insmod /project/cdev.ko || exit 1
insmod /project/cdev.ko || exit 1
faults_range $(module_text cdev)
faults "cdev: selftest (open, ioctl, read, write)" true ./tools/cdev_test selftest /dev/cdev0 || exit 1
rmmod cdev
faults_range 0 0
