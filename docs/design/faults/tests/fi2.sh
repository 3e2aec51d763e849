# debug: what do the injections hit
# vmtest-file: /tmp/fi/faults.sh:/faults.sh
. /faults.sh
set -- $(grep ' _etext$' /proc/kallsyms)
etext=0x$1
FAULTS_MAX=22
faults_range $etext 0xffffffffffffffff
faults "cdev: load (init)" "if grep -q '^cdev ' /proc/modules; then rmmod cdev; fi" insmod /project/cdev.ko
for n in 1 2 17 18 19 21; do echo "## fault $n out: $(cat /tmp/faults.$n.out)"; sed 's/^/## /' /tmp/faults.$n.dmesg | grep -v 'Call Trace' | head -60; done
