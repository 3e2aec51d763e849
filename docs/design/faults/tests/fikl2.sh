# kmemleak on, its metadata allocations rejected (__alloc_object): counts, canary.
# vmtest-file: /tmp/fi/faults.sh:/faults.sh /tmp/fi/helper/fi_insmod:/bin/fi_insmod
. /faults.sh
FAULTS_REJECT=$(kmemleak_reject)
echo "# reject: $FAULTS_REJECT"
D=/sys/bus/platform/devices/plat
DRV=/sys/bus/platform/drivers/plat
faults_range $(function_text do_one_initcall)
faults "cdev: load (init)" "if grep -q '^cdev ' /proc/modules; then rmmod cdev; fi" fi_insmod /project/cdev.ko || exit 1
faults "canary: load (init)" "if grep -q '^canary ' /proc/modules; then rmmod canary; fi" fi_insmod /project/canary.ko || exit 1
load plat_testdev && load plat || exit 1
echo plat >$DRV/unbind
faults_range $(function_text really_probe)
faults "plat: bind (probe)" "if [ -e $D/driver ]; then echo plat >$DRV/unbind; fi; ! [ -e $D/driver ]" sh -c "echo plat >$DRV/bind" || exit 1
faults_range 0 0
