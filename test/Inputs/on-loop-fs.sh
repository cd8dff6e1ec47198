#!/bin/sh
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
# on-loop-fs.sh TYPE DIR CMD...: makes a file system of TYPE (xfs, with
# reflink; btrfs; ext4) in a sparse image file DIR.img, mounts it on DIR in a
# mount namespace of its own (so that nothing stays mounted however CMD ends:
# the loop device is released with the mount), runs CMD, and removes the
# image. Exits with CMD's status, 125 when the file system cannot be made.
set -u
if [ -z "${QEMUDUMP_ON_LOOP_FS:-}" ]; then
  QEMUDUMP_ON_LOOP_FS=1 unshare --mount --propagation private "$0" "$@"
  rc=$?
  rm -f "$2.img"
  exit $rc
fi
type=$1 dir=$2
shift 2
mkdir -p "$dir"
rm -f "$dir.img"
truncate -s 4G "$dir.img" || exit 125
case $type in
xfs) mkfs.xfs -q -m reflink=1 "$dir.img" ;;
btrfs) mkfs.btrfs -q "$dir.img" >/dev/null ;;
ext4) mkfs.ext4 -q "$dir.img" ;;
*) echo "on-loop-fs.sh: unknown file system $type" >&2; exit 125 ;;
esac || exit 125
mount -o loop "$dir.img" "$dir" || exit 125
"$@"
