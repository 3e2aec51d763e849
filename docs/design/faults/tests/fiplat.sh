# Fault-injection prototype: platform kind (load+probe, bind, attribute write).
# vmtest-file: /tmp/fi/faults.sh:/faults.sh /tmp/fi/helper/fi_insmod:/bin/fi_insmod
. /faults.sh
echo "# do_one_initcall: $(function_text do_one_initcall) really_probe: $(function_text really_probe)"
D=/sys/bus/platform/devices/plat
DRV=/sys/bus/platform/drivers/plat
FAULTS_REJECT=
faults_range $(function_text do_one_initcall)
faults "cdev: load (init), do_one_initcall range" "if grep -q '^cdev ' /proc/modules; then rmmod cdev; fi" fi_insmod /project/cdev.ko || exit 1
load plat_testdev || exit 1
faults "plat: load (register + probe), do_one_initcall range" "if grep -q '^plat ' /proc/modules; then rmmod plat; fi" fi_insmod /project/plat.ko || exit 1
load plat || exit 1
echo plat >$DRV/unbind
faults_range $(function_text really_probe)
faults "plat: bind (probe), really_probe range" "if [ -e $D/driver ]; then echo plat >$DRV/unbind; fi; ! [ -e $D/driver ]" sh -c "echo plat >$DRV/bind" || exit 1
echo plat >$DRV/unbind
faults_range $(module_text plat)
faults "plat: bind (probe), module text range" "if [ -e $D/driver ]; then echo plat >$DRV/unbind; fi; ! [ -e $D/driver ]" sh -c "echo plat >$DRV/bind" || exit 1
echo plat >$DRV/bind
faults "plat: value write" true sh -c "echo 42 >$D/value" || exit 1
faults_range 0 0
rmmod plat
rmmod plat_testdev
