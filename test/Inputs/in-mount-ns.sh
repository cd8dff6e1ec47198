#!/bin/sh
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
# in-mount-ns.sh SETUP CMD...: runs the shell command SETUP (mounts) and then
# CMD in a mount namespace of its own, so that nothing stays mounted however
# CMD ends; then lists the directories SETUP mounted on (the last word of
# each mount command); exits with CMD's status (125 when SETUP fails).
if [ -z "${QEMUDUMP_IN_MOUNT_NS:-}" ]; then
  QEMUDUMP_IN_MOUNT_NS=1 exec unshare --mount --propagation private "$0" "$@"
fi
setup=$1
shift
sh -c "$setup" || exit 125
"$@"
rc=$?
echo "$setup" | tr ';&' '\n\n' | awk '$1 == "mount" {print $NF}' | while read -r dir; do
  echo "in $dir: $(ls -A "$(dirname "$dir")/$(basename "$dir")" 2>&1 | tr '\n' ' ')"
done
exit $rc
