#!/usr/bin/env bash
# Installs what the kernel suite needs on Debian 12 (run as root):
# headers and images of Debian's 6.1 and 6.12 kernels (the ABI number is
# whatever the archive has today), dkms, sparse, QEMU, busybox, cpio and the
# 6.12 kernel sources (for checkpatch.pl), the arm64 cross compiler, clang,
# lld and llvm (14: the clang-built 5.10 tree of the LLVM=1 test); for the
# ARM tests (Debian's arm64/armhf kernels come from test/kernel/arm/fetch.sh)
# the armhf cross compiler, qemu-system-arm, and the 6.1 sources (with the
# 6.12 ones: make target-modpost's sources for the armhf headers); for the
# projects' packages (dkms.test.ts: make deb, make rpm, lintian) dpkg-dev,
# debhelper, dh-dkms, lintian and rpm.
set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: run as root (sudo bash $0)" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
# Installing kernel images would otherwise build an initramfs for each (~90 s);
# the tests boot their own initramfs.
export INITRD=No

apt-get update -q
packages=(
  build-essential make gcc perl kmod xz-utils zstd gzip cpio git
  linux-headers-amd64 linux-image-amd64
  linux-headers-6.12-amd64 linux-image-6.12-amd64
  linux-source-6.12 linux-source-6.1
  dkms sparse qemu-system-x86 busybox-static device-tree-compiler openssl
  gcc-aarch64-linux-gnu libc6-dev-arm64-cross
  gcc-arm-linux-gnueabihf libc6-dev-armhf-cross qemu-system-arm
  bison flex bc libelf-dev libssl-dev
  clang lld llvm
  e2fsprogs dosfstools
  v4l-utils
  dpkg-dev debhelper dh-dkms lintian rpm
)
apt-get install -y -q --no-install-recommends "${packages[@]}"

for meta in linux-headers-amd64 linux-headers-6.12-amd64; do
  echo "install-deps: $meta -> $(dpkg-query -W -f='${Depends}' "$meta")"
done
