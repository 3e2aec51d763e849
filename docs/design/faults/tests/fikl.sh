# Are the silent even-numbered injections kmemleak's metadata? (boot with kmemleak=off)
# vmtest-file: /tmp/fi/faults.sh:/faults.sh /tmp/fi/helper/fi_insmod:/bin/fi_insmod
. /faults.sh
echo "# kmemleak: $(cat /sys/kernel/debug/kmemleak 2>&1 | head -1)"
D=/sys/bus/platform/devices/plat
DRV=/sys/bus/platform/drivers/plat
faults_range $(function_text do_one_initcall)
faults "cdev: load (init), do_one_initcall range" "if grep -q '^cdev ' /proc/modules; then rmmod cdev; fi" fi_insmod /project/cdev.ko || exit 1
load plat_testdev && load plat || exit 1
echo plat >$DRV/unbind
faults_range $(function_text really_probe)
faults "plat: bind (probe), really_probe range" "if [ -e $D/driver ]; then echo plat >$DRV/unbind; fi; ! [ -e $D/driver ]" sh -c "echo plat >$DRV/bind" || exit 1
faults_range 0 0
